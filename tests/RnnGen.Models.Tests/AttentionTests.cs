using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>
/// Attention over the encoder (Luong's dot and general scores, Bahdanau's additive score) in encoder–decoder models:
/// backpropagation through it against finite differences for every score × cell × one-way or bidirectional encoder,
/// with and without source and target lengths, and what the weights are.
/// </summary>
public class AttentionTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    /// <summary>
    /// Some of the attention's gradients (of W_k and W_q through a bidirectional encoder's tanh scores) are so small that
    /// the finite difference's own error is a visible share of them: differences below this count as agreement.
    /// </summary>
    private const double AbsoluteNoise = 1e-11;

    public static readonly Dictionary<string, Func<IRnnModel<double>>> Create = new()
    {
        ["DotAttentionRnn"] = () => new DotAttentionRnn(7),
        ["DotAttentionRnnBiEncoder"] = () => new DotAttentionRnnBiEncoder(7),
        ["DotAttentionLstm"] = () => new DotAttentionLstm(7),
        ["DotAttentionLstmBiEncoder"] = () => new DotAttentionLstmBiEncoder(7),
        ["DotAttentionGru"] = () => new DotAttentionGru(7),
        ["DotAttentionGruBiEncoder"] = () => new DotAttentionGruBiEncoder(7),
        ["GeneralAttentionRnn"] = () => new GeneralAttentionRnn(7),
        ["GeneralAttentionRnnBiEncoder"] = () => new GeneralAttentionRnnBiEncoder(7),
        ["GeneralAttentionLstm"] = () => new GeneralAttentionLstm(7),
        ["GeneralAttentionLstmBiEncoder"] = () => new GeneralAttentionLstmBiEncoder(7),
        ["GeneralAttentionGru"] = () => new GeneralAttentionGru(7),
        ["GeneralAttentionGruBiEncoder"] = () => new GeneralAttentionGruBiEncoder(7),
        ["AdditiveAttentionRnn"] = () => new AdditiveAttentionRnn(7),
        ["AdditiveAttentionRnnBiEncoder"] = () => new AdditiveAttentionRnnBiEncoder(7),
        ["AdditiveAttentionLstm"] = () => new AdditiveAttentionLstm(7),
        ["AdditiveAttentionLstmBiEncoder"] = () => new AdditiveAttentionLstmBiEncoder(7),
        ["AdditiveAttentionGru"] = () => new AdditiveAttentionGru(7),
        ["AdditiveAttentionGruBiEncoder"] = () => new AdditiveAttentionGruBiEncoder(7),
        ["GeneralAttentionProjectedLstmBiEncoder"] = () => new GeneralAttentionProjectedLstmBiEncoder(7),
        ["AdditiveAttentionGruLinear"] = () => new AdditiveAttentionGruLinear(7),
        ["DotAttentionLstmSigmoid"] = () => new DotAttentionLstmSigmoid(7),
        ["FedDotAttentionLstmStack"] = () => new FedDotAttentionLstmStack(7),
        ["FedGeneralAttentionGruBiEncoder"] = () => new FedGeneralAttentionGruBiEncoder(7),
        ["FedAdditiveAttentionRnnStack"] = () => new FedAdditiveAttentionRnnStack(7),
        ["FedAdditiveAttentionProjectedLstm"] = () => new FedAdditiveAttentionProjectedLstm(7),
        ["FedDotAttentionGruLinear"] = () => new FedDotAttentionGruLinear(7),
    };

    public static TheoryData<string> Names => new(Create.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Parameter_gradients_match_finite_differences(string name)
    {
        IRnnModel<double> model = Create[name]();
        var driver = new ModelDriver<double>(model, seed: 21);
        (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward, AbsoluteNoise);
        output.WriteLine($"{name}: max relative error {error:E2} at {where}");
        Assert.True(error < Tolerance, $"{name}: max relative error {error:E2} at {where}");
    }

    /// <summary>Source lengths mask the attention: a short lane, an unused lane (no source, no target), a lane whose targets end early.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Parameter_gradients_with_source_and_target_lengths_match_finite_differences(string name)
    {
        IRnnModel<double> model = Create[name]();
        var driver = new ModelDriver<double>(model, seed: 22).WithTargetLengths([3, 0, 2]).WithSourceLengths([2, 0, 4]);
        (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward, AbsoluteNoise);
        output.WriteLine($"{name}: max relative error {error:E2} at {where}");
        Assert.True(error < Tolerance, $"{name}: max relative error {error:E2} at {where}");
        Assert.True(double.IsFinite(driver.ForwardLoss()), "the garbage in padded sources reached the loss");
    }

    /// <summary>
    /// The weights of every row are a distribution over the lane's real source steps and exactly 0 past them; a lane
    /// without a source attends to nothing.
    /// </summary>
    [Fact]
    public void Weights_are_a_distribution_over_the_real_source_steps()
    {
        var model = new DotAttentionLstmBiEncoder(3);
        int[] sources = [2, 0, 4];
        new ModelDriver<double>(model, seed: 23).WithTargetLengths([3, 0, 2]).WithSourceLengths(sources).Forward();
        AssertDistributions(model.AttentionWeights, sources, DotAttentionLstmBiEncoder.OutputSteps, DotAttentionLstmBiEncoder.Steps);
    }

    private static void AssertDistributions(ReadOnlySpan<double> weights, int[] sources, int outputSteps, int steps)
    {
        int batch = sources.Length;
        Assert.Equal(outputSteps * batch * steps, weights.Length);
        for (int t = 0; t < outputSteps; t++)
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<double> row = weights.Slice((t * batch + b) * steps, steps);
                double sum = 0;
                for (int s = 0; s < steps; s++)
                {
                    if (s >= sources[b]) Assert.Equal(0.0, row[s]);
                    else Assert.True(row[s] > 0, $"a[{t}, {b}, {s}] = {row[s]}");
                    sum += row[s];
                }
                Assert.Equal(sources[b] > 0 ? 1.0 : 0.0, sum, 1e-12);
            }
    }

    /// <summary>
    /// Free-running decoding (attention one step at a time) computes what teacher forcing computes when the targets are
    /// the tokens it chose: the same outputs and the same weights, with and without source lengths.
    /// </summary>
    [Fact]
    public void Free_running_decoding_equals_teacher_forcing_on_its_own_choices()
    {
        foreach (int[]? sources in new[] { null, new[] { 2, 4, 1 } })
        {
            var model = new GeneralAttentionGruBiEncoder(5);
            var d = new ModelDriver<double>(model, seed: 24);
            if (sources is null) model.Forward(d.Tokens);
            else model.Generate(d.Tokens, sources, 0, new Randomness.Xoshiro256StarStar(1));
            double[] output = model.Output.ToArray(), weights = model.AttentionWeights.ToArray();
            int[] chosen = model.Generated.ToArray();
            if (sources is null) model.Forward(d.Tokens, chosen);
            else model.Forward(d.Tokens, chosen, sources, [3, 3, 3]);
            AssertClose(output, model.Output.ToArray(), "output");
            AssertClose(weights, model.AttentionWeights.ToArray(), "weights");
            if (sources is not null) AssertDistributions(model.AttentionWeights, sources, 3, 4);
        }
    }

    /// <summary>What a padded source step holds never matters: the encoder does not read it and the attention masks it.</summary>
    [Fact]
    public void Padded_source_steps_change_nothing()
    {
        var model = new AdditiveAttentionRnnBiEncoder(6);
        var d = new ModelDriver<double>(model, seed: 25);
        int[] sources = [3, 1, 4], targets = [3, 3, 3];
        double[] inputs = d.Inputs!.ToArray();
        model.Forward(inputs, d.ClassTargets, sources, targets);
        double[] first = model.Output.ToArray(), firstWeights = model.AttentionWeights.ToArray();
        for (int t = 0; t < 4; t++)
            for (int b = 0; b < 3; b++)
                if (t >= sources[b]) inputs.AsSpan((t * 3 + b) * 3, 3).Fill(1e6);
        model.Forward(inputs, d.ClassTargets, sources, targets);
        Assert.Equal(first, model.Output.ToArray());
        Assert.Equal(firstWeights, model.AttentionWeights.ToArray());
    }

    /// <summary>The attention is part of the network: its tensors follow the decoder's layers, and the architecture says which score.</summary>
    [Fact]
    public void Tensors_and_architecture_name_the_attention()
    {
        string[] names = AdditiveAttentionGruLinear.Tensors.Select(t => t.Name).ToArray();
        int head = Array.IndexOf(names, "decoder.head.weight");
        Assert.Equal(["decoder.attention.query.weight", "decoder.attention.query.bias", "decoder.attention.key.weight", "decoder.attention.v.weight", "decoder.attention.out.weight"], names[(head - 5)..head]);
        Assert.Equal("decoder.rnn.bias_hh_l1", names[head - 6]);
        Assert.Equal(AttentionKind.Additive, AdditiveAttentionGruLinear.Architecture.Attention);
        Assert.Contains("[Attention(AttentionKind.Additive)]", AdditiveAttentionGruLinear.Architecture.ToString());
        Assert.Contains("additive attention", AdditiveAttentionGruLinear.Architecture.Network);
        Assert.DoesNotContain("attention", GruEncoderDecoderEmbedding.Architecture.Network);
        // A bidirectional encoder's decoder is twice as wide: LSTM(4, Projection = 2) both ways starts LSTM(8, Projection = 4).
        var projected = GeneralAttentionProjectedLstmBiEncoder.Tensors;
        Assert.Equal([32, 4], projected.Single(t => t.Name == "decoder.rnn.weight_hh_l0").Shape);
        Assert.Equal([4, 8], projected.Single(t => t.Name == "decoder.rnn.weight_hr_l0").Shape);
        Assert.Equal([4, 4], projected.Single(t => t.Name == "decoder.attention.weight").Shape);
        Assert.Equal([4, 8], projected.Single(t => t.Name == "decoder.attention.out.weight").Shape);
        // The architecture's DecoderLayers states the generator's rule: the decoder's tensors have its widths.
        foreach ((ModelArchitecture architecture, IReadOnlyList<TensorInfo> tensors) in new[]
        {
            (GeneralAttentionProjectedLstmBiEncoder.Architecture, projected),
            (DotAttentionLstmBiEncoder.Architecture, DotAttentionLstmBiEncoder.Tensors),
            (AdditiveAttentionGruLinear.Architecture, AdditiveAttentionGruLinear.Tensors),
        })
        {
            for (int k = 0; k < architecture.DecoderLayers.Count; k++)
            {
                LayerArchitecture layer = architecture.DecoderLayers[k];
                Assert.False(layer.Bidirectional);
                Assert.Equal([layer.Gates * layer.Hidden, layer.StateWidth], tensors.Single(t => t.Name == $"decoder.rnn.weight_hh_l{k}").Shape);
            }
        }
    }

    /// <summary>
    /// CarryState with a bidirectional encoder: the decoder's final state (each layer's rows [forward ; reverse], twice as
    /// wide) goes back into InitialState in the encoder's layout, each direction apart.
    /// </summary>
    [Fact]
    public void CarryState_puts_the_decoders_state_back_into_the_encoders_directions()
    {
        var model = new DotAttentionLstmBiEncoder(3); // encoder LSTM(3) and LSTM(2), both ways: decoder LSTM(6), LSTM(4)
        var d = new ModelDriver<double>(model, 26);
        model.CarryState = true;
        d.Forward();
        double[] final = model.FinalState.ToArray();
        d.Forward();
        double[] initial = model.InitialState.ToArray();
        const int batch = DotAttentionLstmBiEncoder.Batch;
        int[] widths = [3, 2];
        int encoder = 0, decoder = 0;
        for (int part = 0; part < 2; part++) // h, then c
            foreach (int h in widths)
            {
                for (int b = 0; b < batch; b++)
                    for (int j = 0; j < h; j++)
                    {
                        Assert.Equal(final[decoder + b * 2 * h + j], initial[encoder + b * h + j]);
                        Assert.Equal(final[decoder + b * 2 * h + h + j], initial[encoder + batch * h + b * h + j]);
                    }
                encoder += 2 * batch * h;
                decoder += 2 * batch * h;
            }
        Assert.Equal(initial.Length, encoder);
        Assert.Contains(initial, v => v != 0);
    }

    /// <summary>
    /// Input feeding is part of the computation: its gradient is not zero, zeroing its weights changes the outputs, and
    /// free-running decoding equals teacher forcing on its own choices, bit for bit (both run the same steps).
    /// </summary>
    [Fact]
    public void Input_feeding_feeds_the_next_step()
    {
        var model = new FedGeneralAttentionGruBiEncoder(8);
        var d = new ModelDriver<double>(model, 27);
        model.ZeroGradients();
        d.ForwardBackward();
        Assert.Contains(model.Gradient("decoder.attention.feed.weight").ToArray(), v => Math.Abs(v) > 1e-6);
        d.Forward();
        double[] fed = model.Output.ToArray();
        double[] feed = model.Parameter("decoder.attention.feed.weight").ToArray();
        model.Parameter("decoder.attention.feed.weight").Clear();
        d.Forward();
        double[] unfed = model.Output.ToArray();
        int firstStep = FedGeneralAttentionGruBiEncoder.Batch * FedGeneralAttentionGruBiEncoder.OutputSize;
        Assert.Equal(fed.AsSpan(0, firstStep).ToArray(), unfed.AsSpan(0, firstStep).ToArray()); // step 0 reads h̃_(-1) = 0
        Assert.NotEqual(fed.AsSpan(firstStep).ToArray(), unfed.AsSpan(firstStep).ToArray());
        feed.CopyTo(model.Parameter("decoder.attention.feed.weight"));

        model.Generate(d.Tokens, [2, 0, 4], 0, new Randomness.Xoshiro256StarStar(1));
        double[] output = model.Output.ToArray(), weights = model.AttentionWeights.ToArray();
        int[] chosen = model.Generated.ToArray();
        model.Forward(d.Tokens, chosen, [2, 0, 4], [3, 3, 3]);
        Assert.Equal(output, model.Output.ToArray());
        Assert.Equal(weights, model.AttentionWeights.ToArray());
        Assert.Equal(AttentionKind.General, FedGeneralAttentionGruBiEncoder.Architecture.Attention);
        Assert.True(FedGeneralAttentionGruBiEncoder.Architecture.AttentionInputFeeding);
        Assert.Contains("[Attention(AttentionKind.General, InputFeeding = true)]", FedGeneralAttentionGruBiEncoder.Architecture.ToString());
        Assert.Contains("general attention with input feeding", FedGeneralAttentionGruBiEncoder.Architecture.Network);
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"{what}[{i}]: {expected[i]:R} then {actual[i]:R}");
    }
}

/// <summary>
/// Agreement with PyTorch: tests/golden/make_golden.py's Seq2Seq module (nn.LSTM/GRU/RNN encoder packed by source
/// lengths, a decoder started from cat(forward, reverse) of the encoder's h_n, Luong/Bahdanau attention masked past each
/// lane's source length) in float64. Output, attention weights, loss and every gradient must agree to 1e-9 in double and
/// 1e-5 in float (the gradients of float to 1e-4, relative to the largest of their tensor).
/// </summary>
public class AttentionGoldenTests
{
    private static readonly Dictionary<string, (Func<IRnnModel<double>> Double, Func<IRnnModel<float>> Float)> Cases = new()
    {
        ["s2s_lstm2_bi_general"] = (() => new GoldenS2SLstm2BiGeneralDouble(), () => new GoldenS2SLstm2BiGeneralFloat()),
        ["s2s_gru_additive"] = (() => new GoldenS2SGruAdditiveDouble(), () => new GoldenS2SGruAdditiveFloat()),
        ["s2s_rnn_bi_dot"] = (() => new GoldenS2SRnnBiDotDouble(), () => new GoldenS2SRnnBiDotFloat()),
        // Input feeding: PyTorch's decoder reads cat(x_t, h̃_(t-1)); its weight_ih_l0 is split into weight_ih_l0 and decoder.attention.feed.weight.
        ["s2s_lstm2_feed_general"] = (() => new GoldenS2SLstm2FeedGeneralDouble(), () => new GoldenS2SLstm2FeedGeneralFloat()),
        ["s2s_gru_bi_feed_additive"] = (() => new GoldenS2SGruBiFeedAdditiveDouble(), () => new GoldenS2SGruBiFeedAdditiveFloat()),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Double_model_matches_pytorch(string name) => Run(Cases[name].Double(), name, 1e-9, 1e-9);

    [Theory]
    [MemberData(nameof(Names))]
    public void Float_model_matches_pytorch(string name) => Run(Cases[name].Float(), name, 1e-5, 1e-4);

    private static void Run<T>(IRnnModel<T> model, string name, double tolerance, double gradientTolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        string path = GoldenTests.FixturePath(name);
        Safetensors.Load(model, path, new SafetensorsLoadOptions { IgnoreUnknownTensors = true });
        int[] tokens = Ints(path, "golden.inputs"), targets = Ints(path, "golden.targets");
        int[] sources = Ints(path, "golden.source_lengths"), lengths = Ints(path, "golden.target_lengths");
        var m = (IEncoderDecoderModel<T, int, int>)model;
        m.Forward(tokens, targets, sources, lengths);
        double[] expected = GoldenTests.Tensor(path, "golden.output");
        double[] actual = model.Output.ToArray().Select(v => double.CreateTruncating(v)).ToArray();
        int classes = model.OutputSize, batch = model.Batch;
        // Rows past a lane's target length read token 0 in both, but their outputs are no part of the contract: compare real rows.
        for (int t = 0; t < model.OutputSteps; t++)
            for (int b = 0; b < batch; b++)
                if (t < lengths[b])
                    for (int c = 0; c < classes; c++)
                        Close("output", expected[(t * batch + b) * classes + c], actual[(t * batch + b) * classes + c], tolerance);
        double[] weights = GoldenTests.Tensor(path, "golden.attention");
        AssertAttention(model, weights, tolerance);
        Close("loss", GoldenTests.Tensor(path, "golden.loss")[0], double.CreateTruncating(((IClassTargetModel<T>)model).Loss(targets)), tolerance);
        model.ZeroGradients();
        ((IClassTargetModel<T>)model).Backward(targets);
        foreach (TensorInfo tensor in model.Tensors)
        {
            double[] grad = GoldenTests.Tensor(path, "golden.grad." + tensor.Name);
            double scale = Math.Max(1, grad.Max(Math.Abs));
            ReadOnlySpan<T> g = model.Gradient(tensor.Name);
            for (int i = 0; i < grad.Length; i++)
                Close("d" + tensor.Name + $"[{i}]", grad[i] / scale, double.CreateTruncating(g[i]) / scale, gradientTolerance);
        }
    }

    private static void AssertAttention<T>(IRnnModel<T> model, double[] expected, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T[] actual = model switch
        {
            GoldenS2SLstm2BiGeneralDouble d => Cast<T>(d.AttentionWeights.ToArray()),
            GoldenS2SGruAdditiveDouble d => Cast<T>(d.AttentionWeights.ToArray()),
            GoldenS2SRnnBiDotDouble d => Cast<T>(d.AttentionWeights.ToArray()),
            GoldenS2SLstm2BiGeneralFloat f => Cast<T>(f.AttentionWeights.ToArray()),
            GoldenS2SGruAdditiveFloat f => Cast<T>(f.AttentionWeights.ToArray()),
            GoldenS2SRnnBiDotFloat f => Cast<T>(f.AttentionWeights.ToArray()),
            GoldenS2SLstm2FeedGeneralDouble d => Cast<T>(d.AttentionWeights.ToArray()),
            GoldenS2SGruBiFeedAdditiveDouble d => Cast<T>(d.AttentionWeights.ToArray()),
            GoldenS2SLstm2FeedGeneralFloat f => Cast<T>(f.AttentionWeights.ToArray()),
            GoldenS2SGruBiFeedAdditiveFloat f => Cast<T>(f.AttentionWeights.ToArray()),
            _ => throw new ArgumentException(model.GetType().Name),
        };
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Close($"attention[{i}]", expected[i], double.CreateTruncating(actual[i]), tolerance);
    }

    private static T[] Cast<T>(object values) => (T[])values;

    private static int[] Ints(string path, string name) => GoldenTests.Tensor(path, name).Select(v => (int)v).ToArray();

    private static void Close(string what, double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: PyTorch {expected:R}, RnnGen {actual:R}");
}
