using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Onnx;
using RnnGen.Randomness;
using RnnGen.Training;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>
/// Dropout: inverted dropout of the input and of each layer's output, variational dropout of h_(t-1); masks drawn per
/// training pass from the model's generator, none while evaluating.
/// </summary>
public class DropoutTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string> GradientModels => new() { "DropoutLstmGruTagger", "DropoutBiRnnRegressor", "DropoutEmbeddingGruTagger", "DropoutSeq2Seq", "DropoutVectorGenerator", "DropoutLeakyTagger", "DropoutProjectedLstmTagger", "DropoutProjectedSeq2Seq" };

    private static IRnnModel<double> CreateDouble(string name) => name switch
    {
        "DropoutLstmGruTagger" => new DropoutLstmGruTagger(3),
        "DropoutBiRnnRegressor" => new DropoutBiRnnRegressor(3),
        "DropoutEmbeddingGruTagger" => new DropoutEmbeddingGruTagger(3),
        "DropoutSeq2Seq" => new DropoutSeq2Seq(3),
        "DropoutVectorGenerator" => new DropoutVectorGenerator(3),
        "DropoutLeakyTagger" => new DropoutLeakyTagger(3),
        "DropoutProjectedLstmTagger" => new DropoutProjectedLstmTagger(3),
        "DropoutProjectedSeq2Seq" => new DropoutProjectedSeq2Seq(3),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Forward and backward with the masks held fixed: every pass draws from a generator reset to one seed.</summary>
    private static (Func<double> Loss, Action Backward) FixedMasks(ModelDriver<double> driver) =>
        (() => { driver.Model.DropoutRandom = new Xoshiro256StarStar(99); return driver.ForwardLoss(); },
         () => { driver.Model.DropoutRandom = new Xoshiro256StarStar(99); driver.ForwardBackward(); });

    private void CheckParameters(string what, ModelDriver<double> driver)
    {
        (Func<double> loss, Action backward) = FixedMasks(driver);
        double dropped = loss();
        driver.Model.Training = false;
        double evaluated = driver.ForwardLoss();
        driver.Model.Training = true;
        // Otherwise the check below would pass with dropout not applied at all.
        Assert.NotEqual(evaluated, dropped);
        (double error, string where) = GradientCheck.Parameters(driver.Model, loss, backward);
        output.WriteLine($"{what}: max relative error {error:E2} at {where}");
        Assert.True(error < Tolerance, $"{what}: max relative error {error:E2} at {where}");
    }

    [Theory]
    [MemberData(nameof(GradientModels))]
    public void Parameter_gradients_match_finite_differences_with_the_masks_held_fixed(string name)
    {
        CheckParameters(name, new ModelDriver<double>(CreateDouble(name), seed: 21));
        IRnnModel<double> model = CreateDouble(name);
        if (model is DropoutSeq2Seq or DropoutProjectedSeq2Seq)
            CheckParameters(name + " with source lengths", new ModelDriver<double>(model, seed: 22).WithSourceLengths([4, 0, 2]));
        else if (model.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IVariableLengthModel<,,>)))
            foreach (int[] lengths in GradientCheckTests.LengthPatterns(model.Steps, model.Batch))
                CheckParameters($"{name} lengths [{string.Join(", ", lengths)}]", new ModelDriver<double>(CreateDouble(name), seed: 23).WithLengths(lengths));
    }

    [Fact]
    public void Input_gradients_match_finite_differences_through_input_dropout()
    {
        foreach (int[]? lengths in new[] { null, new[] { 2, 4, 0 } })
        {
            var model = new DropoutBiRnnRegressor(4);
            var driver = new ModelDriver<double>(model, seed: 24);
            if (lengths is not null) driver.WithLengths(lengths);
            (Func<double> loss, Action backward) = FixedMasks(driver);
            (double error, string where) = GradientCheck.Inputs(model, driver.Inputs!, loss, backward);
            output.WriteLine($"lengths {(lengths is null ? "none" : string.Join(", ", lengths))}: max relative error {error:E2} at {where}");
            Assert.True(error < Tolerance, $"max relative error {error:E2} at {where}");
            // A dropped input has no gradient.
            Assert.Contains(0.0, model.InputGradient.ToArray().Where((_, i) => lengths is null || i / DropoutBiRnnRegressor.InputSize / DropoutBiRnnRegressor.Batch < lengths[i / DropoutBiRnnRegressor.InputSize % DropoutBiRnnRegressor.Batch]));
        }
    }

    private static int[] Tokens(int count, int vocabulary, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextInt(vocabulary)).ToArray();
    }

    [Fact]
    public void Training_off_gives_the_model_without_dropout_bit_for_bit()
    {
        using var dropout = new DropoutTwin(5);
        using var plain = new PlainTwin(5);
        Assert.Equal(plain.Parameters.ToArray(), dropout.Parameters.ToArray());
        Assert.Equal(PlainTwin.Architecture.Network, DropoutTwin.Architecture.Network);
        dropout.Training = false;
        var adamDropout = new Adam<float>(0.01f);
        var adamPlain = new Adam<float>(0.01f);
        int n = DropoutTwin.Steps * DropoutTwin.Batch;
        int[] lengths = [12, 5, 0, 9];
        for (int step = 0; step < 4; step++)
        {
            int[] x = Tokens(n, 11, (ulong)step), y = Tokens(n, 11, 100 + (ulong)step);
            float a = step % 2 == 0 ? dropout.TrainStep(x, y, adamDropout, 1f) : dropout.TrainStep(x, y, lengths, adamDropout, 1f);
            float b = step % 2 == 0 ? plain.TrainStep(x, y, adamPlain, 1f) : plain.TrainStep(x, y, lengths, adamPlain, 1f);
            Assert.Equal(b, a);
        }
        Assert.Equal(plain.Parameters.ToArray(), dropout.Parameters.ToArray());
        Assert.Equal(plain.Output.ToArray(), dropout.Output.ToArray());
        Assert.Equal(plain.FinalState.ToArray(), dropout.FinalState.ToArray());

        // The control: training with dropout takes another path.
        dropout.Training = true;
        int[] tokens = Tokens(n, 11, 7);
        dropout.Forward(tokens);
        plain.Forward(tokens);
        Assert.NotEqual(plain.Output.ToArray(), dropout.Output.ToArray());
    }

    [Fact]
    public void The_fraction_of_outputs_dropped_is_p_and_kept_values_are_scaled()
    {
        using var model = new OutputDropoutProbe(1);
        model.Parameters.Clear();
        model.Parameter("rnn.bias_ih_l0").Fill(1f); // h = relu(1) = 1 at every step
        Span<float> head = model.Parameter("head.weight");
        for (int j = 0; j < 64; j++) head[j * 64 + j] = 1f;
        float[] x = new float[OutputDropoutProbe.Steps * OutputDropoutProbe.Batch];
        model.Forward(x);
        float keep = 1f / 0.7f;
        float[] y = model.Output.ToArray();
        Assert.All(y, v => Assert.True(v == 0f || v == keep, $"{v} is neither 0 nor 1/(1 − p)"));
        double fraction = y.Count(v => v == 0f) / (double)y.Length;
        double se = Math.Sqrt(0.3 * 0.7 / y.Length);
        output.WriteLine($"dropped {fraction:F4} of {y.Length}, p = 0.3, standard error {se:F4}");
        Assert.InRange(fraction, 0.3 - 5 * se, 0.3 + 5 * se);

        model.Training = false;
        model.Forward(x);
        Assert.All(model.Output.ToArray(), v => Assert.Equal(1f, v));
    }

    /// <summary>The probe's Output shows h_t = h_(t-1)⊙m (see <see cref="RecurrentDropoutProbe"/>); returns m per lane.</summary>
    private static float[][] RecurrentMasks(RecurrentDropoutProbe model, int[] lengths)
    {
        const int H = 32, B = RecurrentDropoutProbe.Batch;
        ReadOnlySpan<float> y = model.Output;
        var masks = new float[B][];
        for (int b = 0; b < B; b++)
        {
            if (lengths[b] < 2) continue;
            masks[b] = new float[H];
            for (int j = 0; j < H; j++)
            {
                Assert.Equal(1f, y[b * H + j]); // h_0
                float m = y[(B + b) * H + j];
                Assert.True(m == 0f || m == 2f, $"lane {b} unit {j}: mask {m}");
                masks[b][j] = m;
                // The same mask at every later step: h_t = m^t.
                for (int t = 2; t < lengths[b]; t++)
                    Assert.Equal(m == 0f ? 0f : MathF.Pow(2f, t), y[(t * B + b) * H + j]);
            }
        }
        return masks;
    }

    [Fact]
    public void A_recurrent_mask_is_the_same_at_every_step_and_differs_between_lanes_and_passes()
    {
        const int H = 32, B = RecurrentDropoutProbe.Batch, T = RecurrentDropoutProbe.Steps;
        using var model = new RecurrentDropoutProbe(1);
        model.Parameters.Clear();
        model.Parameter("rnn.weight_ih_l0").Fill(1f);
        Span<float> whh = model.Parameter("rnn.weight_hh_l0"), head = model.Parameter("head.weight");
        for (int j = 0; j < H; j++) whh[j * H + j] = head[j * H + j] = 1f;
        float[] x = new float[T * B];
        x.AsSpan(0, B).Fill(1f);

        foreach (int[]? lengths in new[] { null, new[] { 6, 3, 0, 5 } })
        {
            int[] used = lengths ?? Enumerable.Repeat(T, B).ToArray();
            if (lengths is null) model.Forward(x); else model.Forward(x, lengths);
            float[][] first = RecurrentMasks(model, used);
            if (lengths is null) model.Forward(x); else model.Forward(x, lengths);
            float[][] second = RecurrentMasks(model, used);
            var lanes = Enumerable.Range(0, B).Where(b => used[b] >= 2).ToArray();
            foreach (int a in lanes)
            {
                Assert.NotEqual(first[a], second[a]); // a new mask per pass
                foreach (int b in lanes.Where(b => b > a)) Assert.NotEqual(first[a], first[b]); // one per lane
            }
            double kept = lanes.SelectMany(b => first[b]).Count(v => v != 0) / (double)(lanes.Length * H);
            Assert.InRange(kept, 0.5 - 5 * Math.Sqrt(0.25 / (lanes.Length * H)), 0.5 + 5 * Math.Sqrt(0.25 / (lanes.Length * H)));
        }
    }

    [Fact]
    public void Each_window_of_a_stream_draws_new_masks_and_evaluation_drops_nothing()
    {
        using var model = new DropoutStreamModel(2);
        using var trainer = new StreamTrainer<float>(model, stride: DropoutStreamModel.Steps);
        int[] stream = Tokens(4000, 9, 3);
        var sgd = new Sgd<float>(0.1f);
        float[] start = model.Parameters.ToArray();
        // Window 0 from the same parameters twice: only the masks can change its loss.
        double Window0()
        {
            start.CopyTo(model.Parameters);
            return trainer.TrainWindow(stream, 0, sgd);
        }
        double first = Window0(), again = Window0();
        Assert.NotEqual(first, again);

        model.Training = false;
        Assert.Equal(Window0(), Window0());
        double evaluatedOff = trainer.Evaluate(stream).MeanLoss;
        model.Training = true;
        Assert.Equal(evaluatedOff, trainer.Evaluate(stream).MeanLoss);
        Assert.True(model.Training, "Evaluate leaves Training as it found it");
    }

    [Fact]
    public void Replicas_of_a_stream_trainer_draw_different_masks()
    {
        using var a = new DropoutStreamModel(2);
        using var b = new DropoutStreamModel(a.SharedParameters);
        using var trainer = new StreamTrainer<float>(new IRnnModel<float>[] { a, b }, stride: DropoutStreamModel.Steps);
        Assert.NotEqual(a.DropoutRandom.NextUInt64(), b.DropoutRandom.NextUInt64());
    }

    [Fact]
    public void Step_and_free_running_decoding_drop_nothing()
    {
        using var seq2seq = new DropoutSeq2Seq(6);
        var driver = new ModelDriver<double>(seq2seq, 7);
        seq2seq.Forward(driver.Tokens);
        double[] training = seq2seq.Output.ToArray();
        int[] generated = seq2seq.Generated.ToArray();
        seq2seq.Training = false;
        seq2seq.Forward(driver.Tokens);
        Assert.Equal(seq2seq.Output.ToArray(), training);
        Assert.Equal(seq2seq.Generated.ToArray(), generated);

        using var model = new DropoutStreamModel(8);
        int[] tokens = Tokens(DropoutStreamModel.Steps * DropoutStreamModel.Batch, 9, 9);
        model.Training = false;
        model.Forward(tokens);
        float[] expected = model.Output.ToArray();
        model.Training = true;
        for (int lane = 0; lane < DropoutStreamModel.Batch; lane++)
        {
            model.ResetStepState(lane);
            for (int t = 0; t < DropoutStreamModel.Steps; t++)
            {
                float[] step = model.Step(tokens[t * DropoutStreamModel.Batch + lane], lane).ToArray();
                for (int k = 0; k < step.Length; k++)
                    Assert.Equal(expected[(t * DropoutStreamModel.Batch + lane) * DropoutStreamModel.OutputSize + k], step[k], 5);
            }
        }
    }

    [Fact]
    public void Onnx_export_ignores_dropout()
    {
        using var model = new DropoutTwin(3);
        int[] tokens = Tokens(DropoutTwin.Steps * DropoutTwin.Batch, 11, 4);
        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        var input = NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(tokens.Select(v => (long)v).ToArray(), new[] { DropoutTwin.Steps, DropoutTwin.Batch }));
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { input });
        float[] onnx = results.Single(r => r.Name == "y").AsTensor<float>().ToArray();
        model.Training = false;
        model.Forward(tokens);
        float[] evaluated = model.Output.ToArray();
        for (int i = 0; i < onnx.Length; i++) Assert.True(Math.Abs(onnx[i] - evaluated[i]) < 1e-5, $"value {i}: ONNX {onnx[i]}, model {evaluated[i]}");
        model.Training = true;
        model.Forward(tokens);
        Assert.Contains(Enumerable.Range(0, onnx.Length), i => Math.Abs(onnx[i] - model.Output[i]) > 1e-3);
    }

    [Fact]
    public void Training_passes_allocate_nothing()
    {
        using var model = new DropoutTwin(3);
        int n = DropoutTwin.Steps * DropoutTwin.Batch;
        int[] x = Tokens(n, 11, 1), y = Tokens(n, 11, 2), lengths = [3, 12, 0, 7];
        var sgd = new Sgd<float>(0.01f);
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => model.TrainStep(x, y, sgd)));
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => model.TrainStep(x, y, lengths, sgd)));
        using var seq2seq = new DropoutSeq2Seq(1);
        var d = new ModelDriver<double>(seq2seq, 2);
        var sgdDouble = new Sgd<double>(0.01);
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => d.TrainStep(sgdDouble, 1.0)));
    }

    [Fact]
    public void The_architecture_shows_the_dropout_and_parameters_are_shared_with_a_model_without_it()
    {
        Assert.Equal("RnnGen.Models.Tests.Models.DropoutTwin: [RnnModel(Steps = 12, Batch = 4)] [TokenInput(11, Embedding = 6, Dropout = 0.2)] " +
            "[Lstm(16, Dropout = 0.5, RecurrentDropout = 0.5)] [Gru(8, Dropout = 0.3, RecurrentDropout = 0.25)] [SoftmaxOutput(11)]", DropoutTwin.Architecture.ToString());
        using var training = new DropoutTwin(3);
        using var evaluating = new PlainTwin(training.SharedParameters);
        int[] tokens = Tokens(DropoutTwin.Steps * DropoutTwin.Batch, 11, 5);
        training.Training = false;
        training.Forward(tokens);
        evaluating.Forward(tokens);
        Assert.Equal(training.Output.ToArray(), evaluating.Output.ToArray());
    }

    [Fact]
    public void The_same_seed_draws_the_same_masks()
    {
        using var a = new DropoutTwin(3);
        using var b = new DropoutTwin(3);
        int[] tokens = Tokens(DropoutTwin.Steps * DropoutTwin.Batch, 11, 5);
        a.Forward(tokens);
        b.Forward(tokens);
        Assert.Equal(a.Output.ToArray(), b.Output.ToArray());
        b.DropoutRandom = new Xoshiro256StarStar(12345);
        b.Forward(tokens);
        Assert.NotEqual(a.Output.ToArray(), b.Output.ToArray());
    }
}
