using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>
/// Losses written outside the model: <c>Logits</c>, <c>BackwardFromOutput</c> (dL/d(Output) through the head's
/// activation) and <c>BackwardFromLogits</c> (dL/dz as given). Each custom loss below is computed here from
/// <c>Output</c> or <c>Logits</c> alone, and its gradient written by hand, so finite differences of that loss check the
/// whole path: the Jacobian of the activation, the packed rows of lanes with lengths, and BPTT.
/// </summary>
public class CustomLossTests
{
    private static readonly int[] Mixed = { 5, 2, 0, 4 };

    public static TheoryData<string> Cases => new()
    {
        "LstmManyToManyVectorSoftmax", "LstmManyToManyOneHotSigmoid", "LstmManyToManyEmbeddingLinear",
        "LengthsBiLstmGruTagger", "LengthsBiGruRnnClassifier", "SigmoidWithLengths",
        "LstmEncoderDecoderOneHot", "LstmOneToManyVectorSigmoid",
    };

    /// <summary>A model and its driver: lengths for the variable-length models, target lengths for one generating model.</summary>
    private static ModelDriver<double> Driver(string name) => name switch
    {
        "LstmManyToManyVectorSoftmax" => new ModelDriver<double>(new LstmManyToManyVectorSoftmax(5), 11),
        "LstmManyToManyOneHotSigmoid" => new ModelDriver<double>(new LstmManyToManyOneHotSigmoid(5), 11),
        "LstmManyToManyEmbeddingLinear" => new ModelDriver<double>(new LstmManyToManyEmbeddingLinear(5), 11),
        "LengthsBiLstmGruTagger" => new ModelDriver<double>(new LengthsBiLstmGruTagger(5), 11).WithLengths(Mixed),
        "LengthsBiGruRnnClassifier" => new ModelDriver<double>(new LengthsBiGruRnnClassifier(5), 11).WithLengths(Mixed),
        "SigmoidWithLengths" => new ModelDriver<double>(new LstmManyToManyVectorSigmoid(5), 11).WithLengths(new[] { 1, 3 }), // no relu: its kinks would fail finite differences
        "LstmEncoderDecoderOneHot" => new ModelDriver<double>(new LstmEncoderDecoderOneHot(5), 11).WithTargetLengths(new[] { 3, 1 }),
        "LstmOneToManyVectorSigmoid" => new ModelDriver<double>(new LstmOneToManyVectorSigmoid(5), 11),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Whether output step t of lane b exists (lengths, target lengths, or always).</summary>
    private static bool Real(ModelDriver<double> d, int t, int b) =>
        d.Lengths is { } lengths ? t < lengths[b] : d.TargetLengths is not { } targets || t < targets[b];

    private enum Head { Softmax, Sigmoid, Linear }

    private static Head HeadOf(IRnnModel<double> model) => model.Architecture.Output switch
    {
        HeadKind.Softmax => Head.Softmax,
        HeadKind.Sigmoid => Head.Sigmoid,
        _ => Head.Linear,
    };

    private static double[] Weights(int n) => Enumerable.Range(0, n).Select(j => 0.5 + 0.75 * j).ToArray();

    /// <summary>
    /// A loss of the outputs y, and dL/dy, over the real rows only:
    /// softmax: focal loss with class weights, Σ −α_y (1 − p_y)^γ log p_y (γ = 2);
    /// sigmoid: weighted binary cross-entropy Σ_j w_j [−t log y − (1 − t) log(1 − y)];
    /// linear: weighted quartic error Σ_j w_j (y − t)⁴.
    /// </summary>
    private static double OutputLoss(ModelDriver<double> d, ReadOnlySpan<double> y, double[]? gradient)
    {
        IRnnModel<double> m = d.Model;
        int c = m.OutputSize, batch = m.Batch;
        double[] w = Weights(c);
        double loss = 0;
        for (int t = 0; t < m.OutputSteps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = t * batch + b;
                if (!Real(d, t, b))
                {
                    // Entries the model must not read: garbage that would poison the gradient if it did.
                    if (gradient is not null) gradient.AsSpan(row * c, c).Fill(double.NaN);
                    continue;
                }
                for (int j = 0; j < c; j++)
                {
                    int i = row * c + j;
                    double yj = y[i], g;
                    switch (HeadOf(m))
                    {
                        case Head.Softmax:
                        {
                            const double gamma = 2;
                            int target = d.ClassTargets![row];
                            if (j != target) { g = 0; break; }
                            loss += -w[j] * Math.Pow(1 - yj, gamma) * Math.Log(yj);
                            g = w[j] * (gamma * Math.Pow(1 - yj, gamma - 1) * Math.Log(yj) - Math.Pow(1 - yj, gamma) / yj);
                            break;
                        }
                        case Head.Sigmoid:
                        {
                            double target = d.ValueTargets![i];
                            loss += w[j] * (-target * Math.Log(yj) - (1 - target) * Math.Log(1 - yj));
                            g = w[j] * (-target / yj + (1 - target) / (1 - yj));
                            break;
                        }
                        default:
                        {
                            double e = yj - d.ValueTargets![i];
                            loss += w[j] * e * e * e * e;
                            g = 4 * w[j] * e * e * e;
                            break;
                        }
                    }
                    if (gradient is not null) gradient[i] = g;
                }
            }
        }
        return loss;
    }

    /// <summary>
    /// A loss of the logits z, and dL/dz, over the real rows only:
    /// softmax: cross-entropy against label-smoothed targets (1 − ε)·onehot + ε/C, Σ_j −q_j log_softmax(z)_j, dz = softmax(z) − q;
    /// sigmoid: BCE with a positive weight, −[w·t log σ(z) + (1 − t) log(1 − σ(z))], dz = σ(z)(w·t + 1 − t) − w·t;
    /// linear: the weighted quartic error of z.
    /// </summary>
    private static double LogitLoss(ModelDriver<double> d, ReadOnlySpan<double> z, double[]? gradient)
    {
        IRnnModel<double> m = d.Model;
        int c = m.OutputSize, batch = m.Batch;
        if (HeadOf(m) == Head.Linear) return OutputLoss(d, z, gradient);
        const double epsilon = 0.1, positive = 2.5;
        double loss = 0;
        for (int t = 0; t < m.OutputSteps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = t * batch + b;
                if (!Real(d, t, b))
                {
                    if (gradient is not null) gradient.AsSpan(row * c, c).Fill(double.PositiveInfinity);
                    continue;
                }
                ReadOnlySpan<double> zr = z.Slice(row * c, c);
                if (HeadOf(m) == Head.Softmax)
                {
                    double max = double.NegativeInfinity;
                    foreach (double v in zr) max = Math.Max(max, v);
                    double sum = 0;
                    foreach (double v in zr) sum += Math.Exp(v - max);
                    double lse = max + Math.Log(sum);
                    for (int j = 0; j < c; j++)
                    {
                        double q = (j == d.ClassTargets![row] ? 1 - epsilon : 0) + epsilon / c;
                        loss += -q * (zr[j] - lse);
                        if (gradient is not null) gradient[row * c + j] = Math.Exp(zr[j] - lse) - q;
                    }
                }
                else
                {
                    for (int j = 0; j < c; j++)
                    {
                        double target = d.ValueTargets![row * c + j], zj = zr[j];
                        double logSigmoid = -Softplus(-zj), logOneMinus = -Softplus(zj);
                        loss += -(positive * target * logSigmoid + (1 - target) * logOneMinus);
                        if (gradient is not null) gradient[row * c + j] = (positive * target + 1 - target) / (1 + Math.Exp(-zj)) - positive * target;
                    }
                }
            }
        }
        return loss;
    }

    private static double[] Softmax(double[] z)
    {
        double[] e = z.Select(v => Math.Exp(v - z.Max())).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardFromOutput_gives_the_gradient_of_a_loss_computed_outside_the_model(string name)
    {
        ModelDriver<double> d = Driver(name);
        IRnnModel<double> m = d.Model;
        var gradient = new double[m.OutputSteps * m.Batch * m.OutputSize];
        var (error, where) = GradientCheck.Parameters(m,
            () => { d.Forward(); return OutputLoss(d, m.Output, null); },
            () => { d.Forward(); OutputLoss(d, m.Output, gradient); m.BackwardFromOutput(gradient); });
        Assert.True(error < 1e-6, $"{name}: relative error {error:E2} at {where}");
        // Padded rows carried NaN (where there are any), which never reached a gradient.
        Assert.Equal(d.Lengths is not null || d.TargetLengths is not null, gradient.Any(double.IsNaN));
        Assert.All(m.Gradients.ToArray(), g => Assert.True(double.IsFinite(g)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardFromLogits_gives_the_gradient_of_a_loss_of_the_logits(string name)
    {
        ModelDriver<double> d = Driver(name);
        IRnnModel<double> m = d.Model;
        var gradient = new double[m.OutputSteps * m.Batch * m.OutputSize];
        var (error, where) = GradientCheck.Parameters(m,
            () => { d.Forward(); return LogitLoss(d, m.Logits, null); },
            () => { d.Forward(); LogitLoss(d, m.Logits, gradient); m.BackwardFromLogits(gradient); });
        Assert.True(error < 1e-6, $"{name}: relative error {error:E2} at {where}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_built_in_losses_gradient_passed_in_reproduces_Backward(string name)
    {
        // dL/dz of the built-in loss, (y − onehot) / lanes, (σ(z) − t) / lanes or 2(y − t) / lanes, handed to BackwardFromLogits,
        // and dL/dy of cross-entropy, −onehot/p / lanes, handed to BackwardFromOutput, give Backward(targets)'s gradients.
        ModelDriver<double> d = Driver(name);
        IRnnModel<double> m = d.Model;
        int c = m.OutputSize, batch = m.Batch;
        m.ZeroGradients();
        d.ForwardBackward();
        double[] expected = m.Gradients.ToArray();

        double lanes = d.Lengths is { } l ? l.Count(v => v > 0) : d.TargetLengths is { } tl ? tl.Count(v => v > 0) : batch;
        d.Forward();
        double[] y = m.Output.ToArray();
        var dz = new double[y.Length];
        var dy = new double[y.Length];
        for (int t = 0; t < m.OutputSteps; t++)
            for (int b = 0; b < batch; b++)
                for (int j = 0; j < c; j++)
                {
                    int row = t * batch + b, i = row * c + j;
                    if (!Real(d, t, b)) continue;
                    double target = HeadOf(m) == Head.Softmax ? (d.ClassTargets![row] == j ? 1 : 0) : d.ValueTargets![i];
                    dz[i] = (HeadOf(m) == Head.Linear ? 2 : 1) * (y[i] - target) / lanes;
                    dy[i] = HeadOf(m) == Head.Softmax ? -target / y[i] / lanes : HeadOf(m) == Head.Sigmoid ? (y[i] - target) / (y[i] * (1 - y[i])) / lanes : dz[i];
                }
        m.ZeroGradients();
        m.BackwardFromLogits(dz);
        AssertClose(expected, m.Gradients.ToArray(), 1e-10, name + " from logits");
        d.Forward();
        m.ZeroGradients();
        m.BackwardFromOutput(dy);
        AssertClose(expected, m.Gradients.ToArray(), 1e-9, name + " from output");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Logits_are_the_head_before_its_activation(string name)
    {
        ModelDriver<double> d = Driver(name);
        IRnnModel<double> m = d.Model;
        int c = m.OutputSize, batch = m.Batch;
        d.Forward();
        double[] z = m.Logits.ToArray(), y = m.Output.ToArray();
        for (int t = 0; t < m.OutputSteps; t++)
            for (int b = 0; b < batch; b++)
            {
                int row = t * batch + b;
                double[] zr = z.AsSpan(row * c, c).ToArray(), yr = y.AsSpan(row * c, c).ToArray();
                if (d.Lengths is not null && !Real(d, t, b)) { Assert.All(zr, v => Assert.Equal(0.0, v)); continue; }
                double[] activated = HeadOf(m) switch
                {
                    Head.Softmax => Softmax(zr),
                    Head.Sigmoid => zr.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
                    _ => zr,
                };
                AssertClose(yr, activated, 1e-12, $"{name} step {t} lane {b}");
            }

        // With W_head = 0 every real row's logits are b_head exactly, whatever the recurrence computed.
        string head = m.Tensors.Single(t => t.Name.EndsWith("head.weight", StringComparison.Ordinal)).Name; // decoder.head.weight in an encoder–decoder
        m.Parameter(head).Clear();
        double[] bias = Enumerable.Range(0, c).Select(j => 0.25 * j - 1.5).ToArray();
        bias.CopyTo(m.Parameter(head.Replace("weight", "bias", StringComparison.Ordinal)));
        d.Forward();
        z = m.Logits.ToArray();
        for (int t = 0; t < m.OutputSteps; t++)
            for (int b = 0; b < batch; b++)
                if (d.Lengths is null || Real(d, t, b))
                    Assert.Equal(bias, z.AsSpan((t * batch + b) * c, c).ToArray());
    }

    [Fact]
    public void Logits_follow_each_forward_pass_and_are_refused_after_TrainStep_updated_the_parameters()
    {
        var model = new LstmManyToManyVectorSoftmax(3);
        var d = new ModelDriver<double>(model, 4);
        d.Forward();
        double[] first = model.Logits.ToArray();
        d.Inputs!.AsSpan().Reverse();
        d.Forward();
        double[] second = model.Logits.ToArray();
        Assert.NotEqual(first, second); // recomputed for the new pass, not the buffer of the first read

        d.TrainStep(new Sgd<double>(0.1), 0);
        var error = Assert.Throws<InvalidOperationException>(() => model.Logits.ToArray());
        Assert.Contains("Forward", error.Message);
        d.Forward();
        Assert.Equal(second.Length, model.Logits.Length);

        // A sigmoid head keeps its logits: after TrainStep they are those of its forward pass (the parameters before the
        // update, so the same as a pass just before it), not recomputed with the updated head.
        var sigmoid = new LstmManyToManyVectorSigmoid(3);
        var s = new ModelDriver<double>(sigmoid, 4);
        s.Forward();
        double[] before = sigmoid.Logits.ToArray();
        s.TrainStep(new Sgd<double>(0.1), 0);
        double[] kept = sigmoid.Logits.ToArray();
        Assert.Equal(before, kept);
        double[] output = sigmoid.Output.ToArray();
        for (int i = 0; i < kept.Length; i++) Assert.Equal(output[i], 1 / (1 + Math.Exp(-kept[i])), 1e-12);
    }

    [Fact]
    public void Bad_gradients_throw_naming_the_argument_and_change_nothing()
    {
        var model = new LengthsBiGruRnnClassifier(3);
        var d = new ModelDriver<double>(model, 4).WithLengths(Mixed);
        var good = new double[LengthsBiGruRnnClassifier.OutputSteps * LengthsBiGruRnnClassifier.Batch * LengthsBiGruRnnClassifier.OutputSize];
        Assert.Throws<InvalidOperationException>(() => model.BackwardFromOutput(good)); // no forward pass yet
        d.Forward();
        model.Gradients.Fill(0.5);
        var e1 = Assert.Throws<ArgumentException>(() => model.BackwardFromOutput(new double[good.Length - 1]));
        Assert.Equal("outputGradient", e1.ParamName);
        var nan = (double[])good.Clone();
        nan[0 * LengthsBiGruRnnClassifier.OutputSize + 1] = double.NaN; // lane 0 is in use
        var e2 = Assert.Throws<ArgumentException>(() => model.BackwardFromLogits(nan));
        Assert.Equal("logitGradient", e2.ParamName);
        var infinite = (double[])good.Clone();
        infinite[3 * LengthsBiGruRnnClassifier.OutputSize] = double.PositiveInfinity; // lane 3 is in use
        Assert.Throws<ArgumentException>(() => model.BackwardFromOutput(infinite));
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0.5, g));
        // The pass is still there for a valid call; NaN in the unused lane 2 is not read.
        var unused = (double[])good.Clone();
        unused[2 * LengthsBiGruRnnClassifier.OutputSize] = double.NaN;
        model.BackwardFromOutput(unused);
        Assert.Throws<InvalidOperationException>(() => model.BackwardFromOutput(good)); // consumed, as Backward does
    }

    [Fact]
    public void LossStartStep_applies_to_a_custom_gradient()
    {
        // Only rows from LossStartStep on count: a gradient that is non-zero only before it adds nothing.
        var model = new LstmManyToManyVectorSoftmax(3);
        var d = new ModelDriver<double>(model, 4);
        model.LossStartStep = 2;
        var gradient = new double[LstmManyToManyVectorSoftmax.OutputSteps * LstmManyToManyVectorSoftmax.Batch * LstmManyToManyVectorSoftmax.OutputSize];
        gradient.AsSpan(0, 2 * LstmManyToManyVectorSoftmax.Batch * LstmManyToManyVectorSoftmax.OutputSize).Fill(1.5);
        d.Forward();
        model.ZeroGradients();
        model.BackwardFromLogits(gradient);
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0.0, g));
        gradient[^1] = 1;
        d.Forward();
        model.BackwardFromLogits(gradient);
        Assert.Contains(model.Gradients.ToArray(), g => g != 0);
    }

    [Fact]
    public void BackwardFromOutput_and_Logits_allocate_nothing()
    {
        foreach (IRnnModel<float> model in new IRnnModel<float>[] { new CharLstm(1), new VectorGruTagger(1), new LengthsTokenClassifier(1) })
        {
            var d = new ModelDriver<float>(model, 1);
            if (model is LengthsTokenClassifier) d.WithLengths(new[] { 12, 3, 0, 7, 1 });
            var gradient = new float[model.OutputSteps * model.Batch * model.OutputSize];
            for (int i = 0; i < gradient.Length; i++) gradient[i] = 0.01f * (i % 7);
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => { d.Forward(); model.BackwardFromOutput(gradient); }));
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => { d.Forward(); model.BackwardFromLogits(gradient); }));
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => { d.Forward(); _ = model.Logits[0]; }));
        }
    }

    [Fact]
    public void Generate_with_top_k_draws_only_the_k_most_likely_tokens_and_defaults_keep_the_old_draws()
    {
        var model = new CountingGenerator(7);
        int[] input = new ModelDriver<float>(model, 3).Tokens!;
        int c = CountingGenerator.OutputSize, batch = CountingGenerator.Batch;
        for (int round = 0; round < 20; round++)
        {
            model.Generate(input, 1.5f, new Xoshiro256StarStar((ulong)round), topK: 2, topP: 1f);
            float[] p = model.Output.ToArray();
            int[] chosen = model.Generated.ToArray();
            for (int t = 0; t < CountingGenerator.OutputSteps; t++)
                for (int b = 0; b < batch; b++)
                {
                    float[] row = p.AsSpan((t * batch + b) * c, c).ToArray();
                    int token = chosen[t * batch + b];
                    Assert.True(row.Count(v => v > row[token]) < 2, $"step {t} lane {b}: token {token} is not among the two most likely");
                }
        }
        // topK 0, topP 1: the same draws as the overload without them.
        model.Generate(input, 0.8f, new Xoshiro256StarStar(9));
        int[] old = model.Generated.ToArray();
        model.Generate(input, 0.8f, new Xoshiro256StarStar(9), topK: 0, topP: 1f);
        Assert.Equal(old, model.Generated.ToArray());
        // topK 1 is greedy decoding.
        model.Forward(input);
        int[] greedy = model.Generated.ToArray();
        model.Generate(input, 2f, new Xoshiro256StarStar(9), topK: 1, topP: 1f);
        Assert.Equal(greedy, model.Generated.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(input, 1f, new Xoshiro256StarStar(9), topK: -1, topP: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(input, 1f, new Xoshiro256StarStar(9), topK: 0, topP: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(input, 1f, new Xoshiro256StarStar(9), topK: 0, topP: float.NaN));
        var random = new Xoshiro256StarStar(2);
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => model.Generate(input, 0.9f, random, topK: 3, topP: 0.9f)));
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
