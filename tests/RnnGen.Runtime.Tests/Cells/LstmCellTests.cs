using RnnGen.Cells;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Cells;

/// <summary><see cref="LstmCell"/> against a naive double-precision implementation of PyTorch's LSTM equations.</summary>
public class LstmCellTests
{
    // i, f, o = σ, g = tanh of the four gate blocks; c = f⊙c_prev + i⊙g; h = o⊙tanh(c).
    private static void ReferenceForward(double[] gates, double[] cPrev, double[] c, double[] h, int ldh, int batch, int hidden)
    {
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                int row = b * 4 * hidden;
                double i = Sigmoid(gates[row + j]), f = Sigmoid(gates[row + hidden + j]);
                double g = Math.Tanh(gates[row + 2 * hidden + j]), o = Sigmoid(gates[row + 3 * hidden + j]);
                (gates[row + j], gates[row + hidden + j], gates[row + 2 * hidden + j], gates[row + 3 * hidden + j]) = (i, f, g, o);
                c[b * hidden + j] = f * cPrev[b * hidden + j] + i * g;
                h[b * ldh + j] = o * Math.Tanh(c[b * hidden + j]);
            }
    }

    // τ = tanh(c); dc += dh⊙o⊙(1−τ²); di = dc⊙g⊙i(1−i); df = dc⊙c_prev⊙f(1−f); dg = dc⊙i⊙(1−g²); do = dh⊙τ⊙o(1−o); dc_prev = dc⊙f.
    private static void ReferenceBackward(double[] gates, double[] cPrev, double[] c, double[] dh, int lddh, double[] dc, int batch, int hidden)
    {
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                int row = b * 4 * hidden, k = b * hidden + j;
                double i = gates[row + j], f = gates[row + hidden + j], g = gates[row + 2 * hidden + j], o = gates[row + 3 * hidden + j];
                double tc = Math.Tanh(c[k]), d = dh[b * lddh + j];
                double dct = dc[k] + d * o * (1 - tc * tc);
                gates[row + j] = dct * g * i * (1 - i);
                gates[row + hidden + j] = dct * cPrev[k] * f * (1 - f);
                gates[row + 2 * hidden + j] = dct * i * (1 - g * g);
                gates[row + 3 * hidden + j] = d * tc * o * (1 - o);
                dc[k] = dct * f;
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Forward_matches_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int batch in Widths.Batch)
            foreach (int hidden in Widths.Hidden)
            {
                int ldh = 2 * hidden + 3; // a bidirectional layer's output row, and then some
                float[] gates = Uniform(batch * 4 * hidden, 6, seed: hidden), cPrev = Uniform(batch * hidden, 3, seed: 100 + hidden);
                float[] c = Poisoned(batch * hidden), h = Poisoned(batch * ldh);
                double[] eGates = ToDouble(gates), eC = ToDouble(c), eH = ToDouble(h);
                ReferenceForward(eGates, ToDouble(cPrev), eC, eH, ldh, batch, hidden);

                LstmCell.Forward<float>(gates, cPrev, c, h, ldh, batch, hidden);

                string what = $"width {width}, batch {batch}, H {hidden}";
                AssertClose(eGates, gates, 1e-6, $"gates ({what})");
                AssertClose(eC, c, 2e-6, $"c ({what})");
                AssertClose(eH, h, 2e-6, $"h ({what})"); // the NaN padding between rows must survive
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Backward_matches_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int batch in Widths.Batch)
            foreach (int hidden in Widths.Hidden)
            {
                int lddh = hidden + 5;
                float[] gates = ForwardActivations(batch, hidden, seed: hidden);
                float[] cPrev = Uniform(batch * hidden, 3, seed: 200 + hidden), c = Uniform(batch * hidden, 3, seed: 300 + hidden);
                float[] dh = Uniform(batch * lddh, 1, seed: 400 + hidden), dc = Uniform(batch * hidden, 1, seed: 500 + hidden);
                double[] eGates = ToDouble(gates), eDc = ToDouble(dc);
                ReferenceBackward(eGates, ToDouble(cPrev), ToDouble(c), ToDouble(dh), lddh, eDc, batch, hidden);

                LstmCell.Backward<float>(gates, cPrev, c, dh, lddh, dc, batch, hidden);

                string what = $"width {width}, batch {batch}, H {hidden}";
                AssertClose(eGates, gates, 2e-6, $"dgates ({what})");
                AssertClose(eDc, dc, 2e-6, $"dc ({what})");
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Double_precision_matches_the_reference_at_every_width(int width)
    {
        using var forced = new ForcedWidth(width);
        const int batch = 2, hidden = 17, ldh = 20;
        double[] gates = ToDouble(Uniform(batch * 4 * hidden, 6, seed: 1)), cPrev = ToDouble(Uniform(batch * hidden, 3, seed: 2));
        double[] c = new double[batch * hidden], h = new double[batch * ldh];
        double[] eGates = (double[])gates.Clone(), eC = new double[c.Length], eH = new double[h.Length];
        ReferenceForward(eGates, cPrev, eC, eH, ldh, batch, hidden);
        LstmCell.Forward<double>(gates, cPrev, c, h, ldh, batch, hidden);
        AssertClose(eGates, gates, 1e-15, "gates");
        AssertClose(eH, h, 1e-15, "h");

        double[] dh = ToDouble(Uniform(batch * ldh, 1, seed: 3)), dc = ToDouble(Uniform(batch * hidden, 1, seed: 4));
        double[] eDc = (double[])dc.Clone();
        ReferenceBackward(eGates, cPrev, eC, dh, ldh, eDc, batch, hidden);
        LstmCell.Backward<double>(gates, cPrev, c, dh, ldh, dc, batch, hidden);
        AssertClose(eGates, gates, 1e-15, "dgates");
        AssertClose(eDc, dc, 1e-15, "dc");
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Extreme_preactivations_saturate_to_finite_limits(int width)
    {
        using var forced = new ForcedWidth(width);
        const int hidden = 21;
        float[] extremes = { 1e4f, -1e4f, 3e38f, -3e38f, 88.8f, -88.8f, 200f, -200f };
        float[] gates = new float[4 * hidden];
        for (int k = 0; k < gates.Length; k++) gates[k] = extremes[k % extremes.Length];
        float[] pre = (float[])gates.Clone();
        float[] cPrev = Uniform(hidden, 1e4, seed: 5), c = new float[hidden], h = new float[hidden];

        LstmCell.Forward<float>(gates, cPrev, c, h, hidden, 1, hidden);

        AssertFinite(gates, "gates");
        AssertFinite(c, "c");
        AssertFinite(h, "h");
        for (int k = 0; k < gates.Length; k++)
        {
            bool isG = k / hidden == 2;
            float expected = pre[k] > 0 ? 1f : isG ? -1f : 0f;
            Assert.True(Math.Abs(gates[k] - expected) <= 3e-7, $"gate {k}: activation of {pre[k]} is {gates[k]}, expected {expected}");
        }

        float[] dh = Uniform(hidden, 1, seed: 6), dc = Uniform(hidden, 1, seed: 7);
        LstmCell.Backward<float>(gates, cPrev, c, dh, hidden, dc, 1, hidden);
        AssertFinite(gates, "dgates");
        AssertFinite(dc, "dc");
    }

    [Fact]
    public void Too_short_spans_are_rejected_before_anything_is_written()
    {
        float[] gates = new float[4 * 8], cPrev = new float[8], c = new float[8], h = new float[7];
        Assert.Throws<ArgumentException>("h", () => LstmCell.Forward<float>(gates, cPrev, c, h, 8, 1, 8));
        Assert.All(gates, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>("h", () => LstmCell.Forward<float>(gates, cPrev, c, new float[8], 4, 1, 8));
        Assert.Throws<ArgumentException>("dh", () => LstmCell.Backward<float>(gates, cPrev, c, new float[7], 8, new float[8], 1, 8));
    }

    /// <summary>Gate activations as a forward pass leaves them: σ in the i, f, o blocks, tanh in g.</summary>
    internal static float[] ForwardActivations(int batch, int hidden, int seed)
    {
        float[] gates = Uniform(batch * 4 * hidden, 4, seed);
        for (int k = 0; k < gates.Length; k++)
            gates[k] = (k % (4 * hidden)) / hidden == 2 ? (float)Math.Tanh(gates[k]) : (float)Sigmoid(gates[k]);
        return gates;
    }
}
