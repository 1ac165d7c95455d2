using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

// One network at two lengths, and the same sizes without the projection (a different network).
[RnnModel(Steps = 3, Batch = 2)]
[TokenInput(7, Embedding = 3)]
[Lstm(8, Projection = 3)]
[Lstm(6, Projection = 4)]
[SoftmaxOutput(7)]
public partial class LstmpCharModelShort { }

[RnnModel(Steps = 6, Batch = 4)]
[TokenInput(7, Embedding = 3)]
[Lstm(8)]
[Lstm(6, Projection = 4)]
[SoftmaxOutput(7)]
public partial class LstmpCharModelFirstPlain { }

/// <summary>
/// Projected LSTMs (<c>[Lstm(H, Projection = P)]</c>, PyTorch's <c>proj_size</c>) beyond the PyTorch fixtures
/// (GoldenTests) and the gradient checks (GradientCheckCases): the tensor table, the state layout, single steps,
/// allocations, checkpoints, shared parameters and the ONNX exporter's refusal.
/// </summary>
public class ProjectionTests
{
    [Fact]
    public void Tensors_are_pytorchs_with_weight_hr_after_each_directions_biases()
    {
        string[] expected =
        {
            "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "rnn.weight_hr_l0",
            "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse", "rnn.bias_ih_l0_reverse", "rnn.bias_hh_l0_reverse", "rnn.weight_hr_l0_reverse",
            "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1", "rnn.weight_hr_l1",
            "rnn.weight_ih_l1_reverse", "rnn.weight_hh_l1_reverse", "rnn.bias_ih_l1_reverse", "rnn.bias_hh_l1_reverse", "rnn.weight_hr_l1_reverse",
            "head.weight", "head.bias",
        };
        Assert.Equal(expected, LstmpBiClassifier.Tensors.Select(t => t.Name));
        var shapes = LstmpBiClassifier.Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());
        Assert.Equal(new[] { 24, 3 }, shapes["rnn.weight_ih_l0"]);
        Assert.Equal(new[] { 24, 2 }, shapes["rnn.weight_hh_l0"]);     // [4H, P]
        Assert.Equal(new[] { 2, 6 }, shapes["rnn.weight_hr_l0"]);      // [P, H]
        Assert.Equal(new[] { 16, 4 }, shapes["rnn.weight_ih_l1"]);     // reads [forward ; reverse] of width 2P
        Assert.Equal(new[] { 16, 3 }, shapes["rnn.weight_hh_l1"]);
        Assert.Equal(new[] { 3, 4 }, shapes["rnn.weight_hr_l1_reverse"]);
        Assert.Equal(new[] { 2, 6 }, shapes["head.weight"]);            // the head reads dirs·P
        Assert.Equal(LstmpBiClassifier.ParameterCount, LstmpBiClassifier.Tensors.Sum(t => t.Shape.Aggregate(1, (a, b) => a * b)));
    }

    [Fact]
    public void State_holds_every_h_of_width_p_then_every_c_of_width_h()
    {
        // h: layer 0 forward and reverse [3, 2] each, layer 1 forward and reverse [3, 3]; then c: [3, 6] twice, [3, 4] twice.
        // (The golden fixtures check the layout value by value against PyTorch's (h_n, c_n).)
        Assert.Equal(3 * (2 + 2 + 3 + 3) + 3 * (6 + 6 + 4 + 4), LstmpBiClassifier.StateSize);
        Assert.Equal(4 * (3 + 4) + 4 * (8 + 6), LstmpCharModel.StateSize);
    }

    [Fact]
    public void Architecture_prints_the_projection_as_the_attribute_does()
    {
        ModelArchitecture a = LstmpBiClassifier.Architecture;
        Assert.Equal(2, a.Layers[0].Projection);
        Assert.Equal(2, a.Layers[0].StateWidth);
        Assert.Equal(0, LstmpCharModelFirstPlain.Architecture.Layers[0].Projection);
        Assert.Equal(8, LstmpCharModelFirstPlain.Architecture.Layers[0].StateWidth);
        Assert.Equal("Lstm(6, Bidirectional = true, Projection = 2)", a.Layers[0].ToString());
        Assert.Contains("[Lstm(6, Bidirectional = true, Projection = 2)] [Lstm(4, Bidirectional = true, Projection = 3)]", a.ToString());
        Assert.Contains("LSTM(6, bidirectional, projection 2) → LSTM(4, bidirectional, projection 3)", Safetensors.Describe(a));
    }

    /// <summary>Step runs each lane through the projected cells as Forward does, and leaves the same state.</summary>
    [Fact]
    public void Step_agrees_with_forward()
    {
        var model = new LstmpCharModel(3);
        var d = new ModelDriver<float>(model, 9);
        for (int i = 0; i < model.InitialState.Length; i++) model.InitialState[i] = 0.01f * (i % 17) - 0.08f;
        d.Forward();
        float[] output = model.Output.ToArray();
        model.ResetStepState();
        int c = LstmpCharModel.OutputSize;
        double worst = 0;
        for (int t = 0; t < LstmpCharModel.Steps; t++)
        {
            for (int lane = LstmpCharModel.Batch - 1; lane >= 0; lane--)
            {
                float[] y = model.Step(d.Tokens![t * LstmpCharModel.Batch + lane], lane).ToArray();
                int row = t * LstmpCharModel.Batch + lane;
                for (int j = 0; j < c; j++) worst = Math.Max(worst, Math.Abs(y[j] - output[row * c + j]));
            }
        }
        Assert.True(worst < 1e-6, $"max difference {worst:E2}");
        float[] final = model.FinalState.ToArray(), stepped = model.StepState.ToArray();
        for (int i = 0; i < final.Length; i++) Assert.True(Math.Abs(final[i] - stepped[i]) < 1e-6, $"state[{i}]: {final[i]} vs {stepped[i]}");

        // Restarting lane 1 takes its rows of every h (P wide) and every c (H wide) from InitialState, and no other lane's:
        // layer 0's h [4, 3] at 0, layer 1's h [4, 4] at 12, layer 0's c [4, 8] at 28, layer 1's c [4, 6] at 60.
        float[] before = model.StepState.ToArray();
        model.ResetStepState(1);
        var lane1 = new HashSet<int>();
        foreach ((int start, int width) in new[] { (0, 3), (12, 4), (28, 8), (60, 6) })
            for (int j = 0; j < width; j++) lane1.Add(start + width + j);
        for (int i = 0; i < model.StepState.Length; i++)
            Assert.Equal(lane1.Contains(i) ? model.InitialState[i] : before[i], model.StepState[i]);
    }

    [Fact]
    public void Passes_train_steps_and_steps_allocate_nothing()
    {
        var model = new LstmpCharModel(1);
        var d = new ModelDriver<float>(model, 1);
        var adam = new Adam<float>(1e-3f);
        static long Allocated(Action action) => RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(action);
        Assert.Equal(0, Allocated(d.Forward));
        Assert.Equal(0, Allocated(() => d.Loss()));
        Assert.Equal(0, Allocated(d.ForwardBackward));
        Assert.Equal(0, Allocated(() => model.TrainStep(d.Tokens, d.ClassTargets, adam, 5f)));
        int i = 0;
        Assert.Equal(0, Allocated(() => { model.Step(i % 7, i % 4); i++; }));

        var classifier = new LstmpBiClassifier(1);
        var c = new ModelDriver<float>(classifier, 1).WithLengths(new[] { 5, 0, 2 });
        Assert.Equal(0, Allocated(c.Forward));
        Assert.Equal(0, Allocated(c.ForwardBackward));
        var sgd = new Sgd<float>(0.01f, momentum: 0.9f);
        Assert.Equal(0, Allocated(() => c.TrainStep(sgd, 5f)));
    }

    /// <summary>
    /// Free-running decoding (step-major, one method per layer) runs the projected cells as the teacher-forced pass does:
    /// fed its own choices (outputs) as targets, the teacher-forced pass reproduces it; and it allocates nothing.
    /// </summary>
    [Fact]
    public void Free_running_decoding_equals_teacher_forcing_on_its_own_choices()
    {
        var m = new LstmpEncoderDecoderOneHot(3);
        var d = new ModelDriver<double>(m, 4);
        m.Forward(d.Tokens);
        int[] generated = m.Generated.ToArray();
        double[] free = m.Output.ToArray(), freeState = m.FinalState.ToArray();
        m.Forward(d.Tokens, generated);
        AssertClose(free, m.Output.ToArray());
        AssertClose(freeState, m.FinalState.ToArray());
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => m.Forward(d.Tokens)));

        var v = new LstmpOneToManyVectorLinear(2);
        var dv = new ModelDriver<double>(v, 1);
        v.Forward(dv.Inputs);
        double[] outputs = v.Output.ToArray();
        v.Forward(dv.Inputs, outputs);
        AssertClose(outputs, v.Output.ToArray());
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"[{i}]: {expected[i]:R} vs {actual[i]:R}");
    }

    [Fact]
    public void A_checkpoint_round_trips_and_names_the_projection()
    {
        var model = new LstmpBiClassifier(5);
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-lstmp-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
        try
        {
            Safetensors.Save(model, path);
            Assert.Contains(Safetensors.ReadHeader(path).Entries, e => e.Name == "rnn.weight_hr_l1_reverse");
            var loaded = new LstmpBiClassifier(6);
            Assert.NotEqual(model.Parameters.ToArray(), loaded.Parameters.ToArray());
            Safetensors.Load(loaded, path);
            Assert.Equal(model.Parameters.ToArray(), loaded.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Models_of_one_projected_network_share_parameters_and_a_plain_one_does_not()
    {
        var train = new LstmpCharModel(2);
        var other = new LstmpCharModelShort(train.SharedParameters);
        train.Parameters[3] = 0.25f;
        Assert.Equal(0.25f, other.Parameters[3]);
        var e = Assert.Throws<ArgumentException>(() => new LstmpCharModelFirstPlain(train.SharedParameters));
        Assert.Contains("projection 3", e.Message);
    }

    [Fact]
    public void Onnx_export_refuses_a_projected_layer_and_names_it()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new LstmpBiClassifier(1)));
        Assert.Contains("layer 0", e.Message);
        Assert.Contains("Lstm(6, Bidirectional = true, Projection = 2)", e.Message);
        Assert.Contains("no projection", e.Message);
        // A plain layer under a projected one: the projected layer is the one named.
        Assert.Contains("layer 1", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new LstmpCharModelFirstPlain(1))).Message);
    }

    [Fact]
    public void Golden_fixtures_of_projected_layers_hold_the_final_state()
    {
        // GoldenTests compares golden.final_state when a fixture has it: make sure these do, so the state is checked.
        foreach (string fixture in new[] { "lstmp_m2m_onehot_softmax", "lstmp2_bi_m2o_vector_linear", "lstmp2_bi_m2m_embedding_softmax_lengths" })
            Assert.True(GoldenTests.HasTensor(GoldenTests.FixturePath(fixture), "golden.final_state"), fixture);
    }
}
