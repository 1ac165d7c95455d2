using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>Single-step inference agrees with the unrolled forward pass, step by step and lane by lane.</summary>
public class StepTests
{
    public static TheoryData<string> FloatModels => new() { "EmbeddingLstmLm", "CharLstm", "VectorRnnRegression", "VectorGruTagger", "SmallMixedFloat", "LongMixedFloat" };

    private static IRnnModel<float> CreateFloat(string name) => name switch
    {
        "EmbeddingLstmLm" => new EmbeddingLstmLm(3),
        "CharLstm" => new CharLstm(3),
        "VectorRnnRegression" => new VectorRnnRegression(3),
        "VectorGruTagger" => new VectorGruTagger(3),
        "LongMixedFloat" => new LongMixedFloat(3),
        _ => new SmallMixedFloat(3),
    };

    /// <summary>Step for each model type (Step is generated per model, with its own input type).</summary>
    private static float[] StepFloat(IRnnModel<float> model, ModelDriver<float> d, int t, int lane)
    {
        int row = t * model.Batch + lane, i = model.InputSize;
        return model switch
        {
            EmbeddingLstmLm m => m.Step(d.Tokens![row], lane).ToArray(),
            CharLstm m => m.Step(d.Tokens![row], lane).ToArray(),
            VectorRnnRegression m => m.Step(d.Inputs.AsSpan(row * i, i), lane).ToArray(),
            VectorGruTagger m => m.Step(d.Inputs.AsSpan(row * i, i), lane).ToArray(),
            SmallMixedFloat m => m.Step(d.Inputs.AsSpan(row * i, i), lane).ToArray(),
            LongMixedFloat m => m.Step(d.Inputs.AsSpan(row * i, i), lane).ToArray(),
            _ => throw new ArgumentException(model.GetType().Name),
        };
    }

    private static void Reset(IRnnModel<float> model)
    {
        switch (model)
        {
            case EmbeddingLstmLm m: m.ResetStepState(); break;
            case CharLstm m: m.ResetStepState(); break;
            case VectorRnnRegression m: m.ResetStepState(); break;
            case VectorGruTagger m: m.ResetStepState(); break;
            case SmallMixedFloat m: m.ResetStepState(); break;
            case LongMixedFloat m: m.ResetStepState(); break;
        }
    }

    [Theory]
    [MemberData(nameof(FloatModels))]
    public void Step_agrees_with_forward_to_1e_6(string name)
    {
        IRnnModel<float> model = CreateFloat(name);
        var d = new ModelDriver<float>(model, 9);
        model.InitialState.Fill(0.1f); // Step starts where Forward starts
        d.Forward();
        float[] output = model.Output.ToArray();
        Reset(model);
        int c = model.OutputSize;
        double worst = 0;
        // Lanes interleaved as in a batch, then lane by lane: each lane's state is its own.
        for (int t = 0; t < model.Steps; t++)
        {
            for (int lane = model.Batch - 1; lane >= 0; lane--)
            {
                float[] y = StepFloat(model, d, t, lane);
                if (model.OutputSteps == model.Steps || t == model.Steps - 1)
                {
                    int row = (model.OutputSteps == model.Steps ? t : 0) * model.Batch + lane;
                    for (int j = 0; j < c; j++) worst = Math.Max(worst, Math.Abs(y[j] - output[row * c + j]) / Math.Max(1, Math.Abs(output[row * c + j])));
                }
            }
        }
        Assert.True(worst < 1e-6, $"{name}: max difference {worst:E2}");
        float[] stepState = name switch
        {
            "EmbeddingLstmLm" => ((EmbeddingLstmLm)model).StepState.ToArray(),
            "CharLstm" => ((CharLstm)model).StepState.ToArray(),
            "VectorRnnRegression" => ((VectorRnnRegression)model).StepState.ToArray(),
            "VectorGruTagger" => ((VectorGruTagger)model).StepState.ToArray(),
            "LongMixedFloat" => ((LongMixedFloat)model).StepState.ToArray(),
            _ => ((SmallMixedFloat)model).StepState.ToArray(),
        };
        float[] final = model.FinalState.ToArray();
        for (int i = 0; i < final.Length; i++) Assert.True(Math.Abs(final[i] - stepState[i]) < 1e-6, $"state[{i}]: {final[i]} vs {stepState[i]}");
    }

    [Fact]
    public void Step_checks_its_arguments_and_allocates_nothing()
    {
        var m = new EmbeddingLstmLm(1);
        Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => m.Step(10)).ParamName);
        Assert.Equal("lane", Assert.Throws<ArgumentOutOfRangeException>(() => m.Step(1, 4)).ParamName);
        var v = new VectorGruTagger();
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => v.Step(new float[4])).ParamName);
        int i = 0;
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => { m.Step(i % 10, i % 4); i++; }, callsPerWindow: 100));
    }
}
