using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Forward passes checked against values worked out independently of the implementation: by hand for single
/// units, and by <see cref="ReferenceModel"/> (scalar loops straight from PyTorch's equations) for small stacks.
/// </summary>
public class HandCheckedTests
{
    private static readonly double[] Inputs = { 1.0, -1.0 };
    private static readonly double[] Targets = { 0.25, -0.75 };

    private static void SetHead(IRnnModel<double> model)
    {
        model.Parameter("head.weight")[0] = 2.0;
        model.Parameter("head.bias")[0] = -0.5;
    }

    private static void Set(IRnnModel<double> model, string name, params double[] values) => values.CopyTo(model.Parameter(name));

    [Fact]
    public void Tanh_rnn_unit_matches_hand_computation()
    {
        // h_t = tanh(0.5·x_t + 0.1 + (−1)·h_(t−1) + 0.2); y_t = 2·h_t − 0.5
        var m = new UnitRnn();
        Set(m, "rnn.weight_ih_l0", 0.5); Set(m, "rnn.weight_hh_l0", -1.0);
        Set(m, "rnn.bias_ih_l0", 0.1); Set(m, "rnn.bias_hh_l0", 0.2);
        SetHead(m);
        m.Forward(Inputs);
        Assert.Equal(0.8280735405356983, m.Output[0], 1e-14);
        Assert.Equal(-1.8966633562756847, m.Output[1], 1e-14);
        Assert.Equal(1.6490058708928954, m.Loss(Targets), 1e-14);
    }

    [Fact]
    public void Lstm_unit_matches_hand_computation()
    {
        // Gate rows in PyTorch's order i, f, g, o.
        var m = new UnitLstm();
        Set(m, "rnn.weight_ih_l0", 0.5, -0.25, 0.75, 1.0);
        Set(m, "rnn.weight_hh_l0", 0.1, 0.2, -0.3, 0.4);
        Set(m, "rnn.bias_ih_l0", 0.0, 0.5, 0.1, -0.1);
        Set(m, "rnn.bias_hh_l0", 0.05, 0.05, 0.0, 0.0);
        SetHead(m);
        m.Forward(Inputs);
        Assert.Equal(0.08607501718281585, m.Output[0], 1e-14);
        Assert.Equal(-0.4679338854627775, m.Output[1], 1e-14);
        Assert.Equal(0.016033057268611265, m.FinalState[0], 1e-14); // h
        Assert.Equal(0.05893973131578023, m.FinalState[1], 1e-14);  // c
        Assert.Equal(0.10643269296173966, m.Loss(Targets), 1e-14);
    }

    [Fact]
    public void Gru_unit_matches_hand_computation()
    {
        // Gate rows in PyTorch's order r, z, n; b_hn sits inside r⊙(W_hn h + b_hn).
        var m = new UnitGru();
        Set(m, "rnn.weight_ih_l0", 0.5, -0.25, 0.75);
        Set(m, "rnn.weight_hh_l0", 0.1, 0.2, -0.3);
        Set(m, "rnn.bias_ih_l0", 0.0, 0.5, 0.1);
        Set(m, "rnn.bias_hh_l0", 0.05, -0.05, 0.2);
        SetHead(m);
        m.Forward(Inputs);
        Assert.Equal(0.17676975972713194, m.Output[0], 1e-14);
        Assert.Equal(-0.38309382029628053, m.Output[1], 1e-14);
        Assert.Equal(0.058453089851859735, m.FinalState[0], 1e-14);
        Assert.Equal(0.13998281279520008, m.Loss(Targets), 1e-14);
    }

    private static double[][][] TimeMajor(int steps, int batch, Func<int, int, double[]> row)
    {
        var x = new double[steps][][];
        for (int t = 0; t < steps; t++)
        {
            x[t] = new double[batch][];
            for (int b = 0; b < batch; b++) x[t][b] = row(t, b);
        }
        return x;
    }

    [Fact]
    public void Lstm_stack_with_vector_input_matches_reference()
    {
        var m = new SmallLstmStack(5);
        var driver = new ModelDriver<double>(m, 3);
        driver.Forward();
        var reference = new ReferenceModel(name => m.Parameter(name).ToArray());
        double[] flat = driver.Inputs!;
        var x = TimeMajor(3, 2, (t, b) => flat.AsSpan((t * 2 + b) * 2, 2).ToArray());
        var (output, finalH, finalC) = reference.Run(x, new[] { (ReferenceModel.Cell.Lstm, 3), (ReferenceModel.Cell.Lstm, 2) }, ReferenceModel.Head.Softmax, manyToOne: false);
        AssertClose(output, m.Output, 1e-13);
        // FinalState: every h (layer 0 [2,3], layer 1 [2,2]), then every c.
        AssertClose(finalH[0].Concat(finalH[1]).Concat(finalC[0]).Concat(finalC[1]).ToArray(), m.FinalState, 1e-13);
    }

    [Fact]
    public void Gru_many_to_one_with_embedding_matches_reference()
    {
        var m = new SmallGruEmbedding(5);
        var driver = new ModelDriver<double>(m, 3);
        driver.Forward();
        double[] table = m.Parameter("embedding.weight").ToArray();
        int[] tokens = driver.Tokens!;
        var x = TimeMajor(3, 2, (t, b) => table.AsSpan(tokens[t * 2 + b] * 2, 2).ToArray());
        var reference = new ReferenceModel(name => m.Parameter(name).ToArray());
        var (output, finalH, _) = reference.Run(x, new[] { (ReferenceModel.Cell.Gru, 3) }, ReferenceModel.Head.Sigmoid, manyToOne: true);
        Assert.Equal(2 * 2, m.Output.Length);
        AssertClose(output, m.Output, 1e-13);
        AssertClose(finalH[0], m.FinalState, 1e-13);
    }

    [Fact]
    public void Relu_and_tanh_rnn_stack_with_one_hot_input_matches_reference()
    {
        var m = new SmallRnnOneHot(5);
        var driver = new ModelDriver<double>(m, 3);
        driver.Forward();
        int[] tokens = driver.Tokens!;
        var x = TimeMajor(3, 2, (t, b) => Enumerable.Range(0, 3).Select(i => i == tokens[t * 2 + b] ? 1.0 : 0.0).ToArray());
        var reference = new ReferenceModel(name => m.Parameter(name).ToArray());
        var (output, _, _) = reference.Run(x, new[] { (ReferenceModel.Cell.RnnRelu, 2), (ReferenceModel.Cell.RnnTanh, 3) }, ReferenceModel.Head.Linear, manyToOne: false);
        AssertClose(output, m.Output, 1e-13);
    }

    [Fact]
    public void Float_model_matches_reference_to_single_precision()
    {
        var m = new SmallMixedFloat(5);
        var driver = new ModelDriver<float>(m, 3);
        driver.Forward();
        var reference = new ReferenceModel(name => m.Parameter(name).ToArray().Select(v => (double)v).ToArray());
        float[] flat = driver.Inputs!;
        var x = TimeMajor(3, 2, (t, b) => flat.AsSpan((t * 2 + b) * 2, 2).ToArray().Select(v => (double)v).ToArray());
        var (output, _, _) = reference.Run(x, new[] { (ReferenceModel.Cell.Lstm, 3), (ReferenceModel.Cell.Gru, 2) }, ReferenceModel.Head.Softmax, manyToOne: false);
        AssertClose(output, m.Output.ToArray().Select(v => (double)v).ToArray(), 1e-6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bidirectional_stack_matches_reference(bool manyToOne)
    {
        // Layer 0: bidirectional LSTM, layer 1: bidirectional GRU; the reverse direction reads backwards,
        // outputs are [forward ; reverse], and many-to-one reads PyTorch's h_n.
        IRnnModel<double> m = manyToOne ? new SmallBidirectionalManyToOne(5) : new SmallBidirectional(5);
        var driver = new ModelDriver<double>(m, 3);
        driver.Forward();
        double[] flat = driver.Inputs!;
        var x = TimeMajor(4, 2, (t, b) => flat.AsSpan((t * 2 + b) * 2, 2).ToArray());
        var reference = new ReferenceModel(name => m.Parameter(name).ToArray(), 0, 1);
        var (output, finalH, finalC) = reference.Run(x, new[] { (ReferenceModel.Cell.Lstm, 3), (ReferenceModel.Cell.Gru, 2) }, ReferenceModel.Head.Softmax, manyToOne);
        AssertClose(output, m.Output, 1e-13);
        // FinalState: h of layer 0 forward, reverse, layer 1 forward, reverse; then c of layer 0 forward, reverse.
        AssertClose(finalH.SelectMany(h => h).Concat(finalC.SelectMany(c => c)).ToArray(), m.FinalState, 1e-13);
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<double> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
