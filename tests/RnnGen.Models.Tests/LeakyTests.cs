using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>
/// Leaky RNN layers (<c>Leak</c>, <c>LearnedLeak</c>): a hand-written reference forward, Leak = 1 against the plain RNN,
/// Step against Forward, the learned leak's tensor (name, place, initial value), the architecture as data,
/// checkpoints, shared parameters, the ONNX refusal and allocations. Gradient checks are in <see cref="GradientCheckTests"/>.
/// </summary>
public class LeakyTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// One leaky layer as the equations say, one scalar loop per term: u = f(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh),
    /// h' = (1 − α)·h + α·u, with α the constant or σ(a) per unit; out[t][b] = [forward ; reverse].
    /// </summary>
    private static double[][][] LeakyLayer(IRnnModel<double> model, double[][][] x, int k, int hidden, bool relu, bool bidirectional, double? leak)
    {
        int steps = x.Length, batch = x[0].Length, inWidth = x[0][0].Length, dirs = bidirectional ? 2 : 1;
        var output = new double[steps][][];
        for (int t = 0; t < steps; t++) { output[t] = new double[batch][]; for (int b = 0; b < batch; b++) output[t][b] = new double[dirs * hidden]; }
        for (int d = 0; d < dirs; d++)
        {
            string suffix = d == 0 ? "" : "_reverse";
            double[] wih = model.Parameter($"rnn.weight_ih_l{k}{suffix}").ToArray(), whh = model.Parameter($"rnn.weight_hh_l{k}{suffix}").ToArray();
            double[] bih = model.Parameter($"rnn.bias_ih_l{k}{suffix}").ToArray(), bhh = model.Parameter($"rnn.bias_hh_l{k}{suffix}").ToArray();
            double[] alpha = leak is { } l ? Enumerable.Repeat(l, hidden).ToArray()
                : model.Parameter($"rnn.leak_l{k}{suffix}").ToArray().Select(Sigmoid).ToArray();
            for (int b = 0; b < batch; b++)
            {
                var h = new double[hidden];
                for (int i = 0; i < steps; i++)
                {
                    int t = d == 0 ? i : steps - 1 - i;
                    var next = new double[hidden];
                    for (int j = 0; j < hidden; j++)
                    {
                        double pre = bih[j] + bhh[j];
                        for (int m = 0; m < inWidth; m++) pre += wih[j * inWidth + m] * x[t][b][m];
                        for (int m = 0; m < hidden; m++) pre += whh[j * hidden + m] * h[m];
                        double u = relu ? Math.Max(0, pre) : Math.Tanh(pre);
                        next[j] = (1 - alpha[j]) * h[j] + alpha[j] * u;
                        output[t][b][d * hidden + j] = next[j];
                    }
                    h = next;
                }
            }
        }
        return output;
    }

    [Fact]
    public void Forward_matches_a_hand_written_leaky_reference_to_1e_12()
    {
        var model = new LeakyReferenceModel(5);
        var random = new Xoshiro256StarStar(21);
        // A learned leak that differs per unit and direction (it starts at 0, the same α = 0.5 everywhere).
        foreach (string name in new[] { "rnn.leak_l1", "rnn.leak_l1_reverse" })
        {
            Span<double> a = model.Parameter(name);
            for (int j = 0; j < a.Length; j++) a[j] = 4 * random.NextDouble() - 2;
        }
        var driver = new ModelDriver<double>(model, 22);
        driver.Forward();

        int steps = LeakyReferenceModel.Steps, batch = LeakyReferenceModel.Batch, n = LeakyReferenceModel.InputSize;
        var x = new double[steps][][];
        for (int t = 0; t < steps; t++) { x[t] = new double[batch][]; for (int b = 0; b < batch; b++) x[t][b] = driver.Inputs.AsSpan((t * batch + b) * n, n).ToArray(); }
        double[][][] h0 = LeakyLayer(model, x, 0, 3, relu: false, bidirectional: false, leak: 0.25);
        double[][][] h1 = LeakyLayer(model, h0, 1, 2, relu: true, bidirectional: true, leak: null);
        double[] w = model.Parameter("head.weight").ToArray(), bias = model.Parameter("head.bias").ToArray();
        ReadOnlySpan<double> output = model.Output;
        int c = LeakyReferenceModel.OutputSize;
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < c; o++)
                {
                    double y = bias[o];
                    for (int m = 0; m < 4; m++) y += w[o * 4 + m] * h1[t][b][m];
                    double actual = output[(t * batch + b) * c + o];
                    Assert.True(Math.Abs(actual - y) <= 1e-12, $"t {t}, lane {b}, output {o}: {actual:R} vs reference {y:R}");
                }
    }

    [Fact]
    public void Leak_of_one_is_the_plain_rnn_bit_for_bit()
    {
        var leakOne = new LeakOneRnn(3);
        var plain = new PlainRnnForLeakOne(3);
        Assert.False(LeakOneRnn.Architecture.Layers[0].IsLeaky);
        Assert.Equal(PlainRnnForLeakOne.Architecture.Network, LeakOneRnn.Architecture.Network);
        Assert.Equal(PlainRnnForLeakOne.Tensors.Select(t => t.Name), LeakOneRnn.Tensors.Select(t => t.Name));
        Assert.Equal(plain.Parameters.ToArray(), leakOne.Parameters.ToArray());

        var a = new ModelDriver<double>(leakOne, 4).WithLengths(new[] { 5, 2, 4 });
        var b = new ModelDriver<double>(plain, 4).WithLengths(new[] { 5, 2, 4 });
        leakOne.ZeroGradients();
        plain.ZeroGradients();
        a.ForwardBackward();
        b.ForwardBackward();
        Assert.Equal(b.Loss(), a.Loss());
        Assert.Equal(plain.Output.ToArray(), leakOne.Output.ToArray());
        Assert.Equal(plain.Gradients.ToArray(), leakOne.Gradients.ToArray());
        // Same network, so the two declarations share parameters.
        _ = new PlainRnnForLeakOne(leakOne.SharedParameters);
    }

    [Fact]
    public void A_constant_leak_changes_the_output_and_mixes_in_the_previous_state()
    {
        // With the same parameters and h_(-1) = 0, step 0's leaky h is α·tanh(pre), the plain one tanh(pre): through the
        // linear head, y − b scales by α = 0.3 at step 0; later steps also carry (1 − α)·h_(t-1).
        var leaky = new LeakyRnnManyToManyVectorLinear(3);
        var plain = new RnnManyToManyVectorLinear(3);
        Assert.Equal(RnnManyToManyVectorLinear.Tensors.Select(t => t.Name), LeakyRnnManyToManyVectorLinear.Tensors.Select(t => t.Name));
        plain.Parameters.CopyTo(leaky.Parameters);
        var d = new ModelDriver<double>(leaky, 5);
        leaky.Forward(d.Inputs);
        plain.Forward(d.Inputs);
        double[] bias = leaky.Parameter("head.bias").ToArray();
        int c = LeakyRnnManyToManyVectorLinear.OutputSize;
        for (int i = 0; i < LeakyRnnManyToManyVectorLinear.Batch * c; i++)
            Assert.True(Math.Abs(leaky.Output[i] - bias[i % c] - 0.3 * (plain.Output[i] - bias[i % c])) < 1e-12, $"step 0, value {i}");
        Assert.NotEqual(plain.Output.ToArray(), leaky.Output.ToArray());
    }

    [Fact]
    public void The_learned_leak_is_a_tensor_after_bias_hh_starting_at_zero()
    {
        string[] names = LeakyBiRnnStackVectorSoftmax.Tensors.Select(t => t.Name).ToArray();
        Assert.Equal(new[]
        {
            "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
            "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse", "rnn.bias_ih_l0_reverse", "rnn.bias_hh_l0_reverse",
            "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1", "rnn.leak_l1",
            "rnn.weight_ih_l1_reverse", "rnn.weight_hh_l1_reverse", "rnn.bias_ih_l1_reverse", "rnn.bias_hh_l1_reverse", "rnn.leak_l1_reverse",
            "head.weight", "head.bias",
        }, names);
        TensorInfo leak = LeakyBiRnnStackVectorSoftmax.Tensors.Single(t => t.Name == "rnn.leak_l1_reverse");
        Assert.Equal(new[] { 2 }, leak.Shape.ToArray());
        var model = new LeakyBiRnnStackVectorSoftmax(9);
        Assert.All(model.Parameter("rnn.leak_l1").ToArray(), v => Assert.Equal(0.0, v));
        Assert.All(model.Parameter("rnn.leak_l1_reverse").ToArray(), v => Assert.Equal(0.0, v));
        // An optimizer moves it like any parameter.
        var driver = new ModelDriver<double>(model, 9);
        driver.TrainStep(new Sgd<double>(0.5), 0);
        Assert.Contains(model.Parameter("rnn.leak_l1").ToArray(), v => v != 0);
    }

    [Fact]
    public void Step_agrees_with_forward_to_1e_6()
    {
        var model = new LeakyStepModel(3);
        var random = new Xoshiro256StarStar(6);
        Span<float> a = model.Parameter("rnn.leak_l1");
        for (int j = 0; j < a.Length; j++) a[j] = (float)(4 * random.NextDouble() - 2);
        var d = new ModelDriver<float>(model, 9);
        model.InitialState.Fill(0.1f); // Step starts where Forward starts
        d.Forward();
        float[] output = model.Output.ToArray();
        model.ResetStepState();
        int c = LeakyStepModel.OutputSize;
        double worst = 0;
        for (int t = 0; t < LeakyStepModel.Steps; t++)
            for (int lane = LeakyStepModel.Batch - 1; lane >= 0; lane--)
            {
                float[] y = model.Step(d.Tokens![t * LeakyStepModel.Batch + lane], lane).ToArray();
                int row = t * LeakyStepModel.Batch + lane;
                for (int j = 0; j < c; j++) worst = Math.Max(worst, Math.Abs(y[j] - output[row * c + j]));
            }
        Assert.True(worst < 1e-6, $"max difference {worst:E2}");
        // The step state is the final state, layer by layer.
        float[] final = model.FinalState.ToArray(), state = model.StepState.ToArray();
        for (int i = 0; i < final.Length; i++) Assert.True(Math.Abs(final[i] - state[i]) < 1e-6, $"state[{i}]: {state[i]} vs {final[i]}");
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => model.Step(1, 2)));
    }

    [Fact]
    public void The_architecture_prints_the_leak_as_declared()
    {
        LayerArchitecture[] layers = LeakyStepModel.Architecture.Layers.ToArray();
        Assert.Equal(0.2, layers[0].Leak);
        Assert.False(layers[0].LearnedLeak);
        Assert.True(layers[1].LearnedLeak);
        Assert.Equal("Rnn(8, Leak = 0.2)", layers[0].ToString());
        Assert.Equal("Rnn(8, LearnedLeak = true)", layers[1].ToString());
        Assert.Equal("Rnn(16, Bidirectional = true, Leak = 0.1)", LeakyAllocationModel.Architecture.Layers[1].ToString());
        Assert.Contains("[Rnn(8, Leak = 0.2)] [Rnn(8, LearnedLeak = true)]", LeakyStepModel.Architecture.ToString());
        Assert.Contains("RNN(8, tanh, Leak = 0.2) → RNN(8, tanh, LearnedLeak = true)", Safetensors.Describe(LeakyStepModel.Architecture));
    }

    [Fact]
    public void A_leaky_network_is_not_the_plain_one()
    {
        var leaky = new LeakyRnnManyToManyVectorLinear(1);
        Assert.NotEqual(RnnManyToManyVectorLinear.Architecture.Network, LeakyRnnManyToManyVectorLinear.Architecture.Network);
        Assert.Throws<ArgumentException>(() => new RnnManyToManyVectorLinear(leaky.SharedParameters));
    }

    [Fact]
    public void Checkpoints_round_trip_the_learned_leak()
    {
        string path = Path.Combine(Path.GetTempPath(), $"leaky-{Guid.NewGuid():N}.safetensors");
        try
        {
            var saved = new LeakyStepModel(1);
            saved.Parameter("rnn.leak_l1").Fill(0.75f);
            Safetensors.Save(saved, path);
            var loaded = new LeakyStepModel(2);
            Safetensors.Load(loaded, path);
            Assert.Equal(saved.Parameters.ToArray(), loaded.Parameters.ToArray());
            Assert.All(loaded.Parameter("rnn.leak_l1").ToArray(), v => Assert.Equal(0.75f, v));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Onnx_export_refuses_a_leaky_layer_and_says_why()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new LeakyStepModel(1)));
        Assert.Contains("layer 0", e.Message);
        Assert.Contains("Rnn(8, Leak = 0.2)", e.Message);
        Assert.Contains("without the (1 − α)⊙h_(t-1) term", e.Message);
    }

    [Fact]
    public void Passes_with_lengths_allocate_nothing()
    {
        var model = new LeakyAllocationModel(1);
        var d = new ModelDriver<float>(model, 1).WithLengths(new[] { 32, 5, 0, 17 });
        var adam = new Adam<float>(1e-3f);
        d.ForwardBackward();
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(d.Forward));
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(d.ForwardBackward));
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => d.TrainStep(adam, 5f)));
    }
}
