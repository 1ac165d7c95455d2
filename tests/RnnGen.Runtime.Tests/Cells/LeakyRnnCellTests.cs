using RnnGen.Cells;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Cells;

/// <summary><see cref="LeakyRnnCell"/> (tanh and relu, constant and learned leak) against a naive double-precision reference.</summary>
public class LeakyRnnCellTests
{
    public static TheoryData<int, Nonlinearity, bool> Cases
    {
        get
        {
            var data = new TheoryData<int, Nonlinearity, bool>();
            foreach (int width in Widths.All)
                foreach (Nonlinearity f in new[] { Nonlinearity.Tanh, Nonlinearity.Relu })
                    foreach (bool learned in new[] { false, true }) data.Add(width, f, learned);
            return data;
        }
    }

    /// <summary>
    /// The reference of one step, forward then backward: u = f(pre), h = (1 − α)h_prev + αu; dpre = dh·α·f'(pre),
    /// dh_prev += dh·(1 − α), da += Σ_rows dh·(u − h_prev)·α(1 − α). Padding between rows must stay untouched.
    /// </summary>
    private static void Run<T>(int batch, int hidden, bool tanh, bool learned, double tolerance, string what, Func<float[], T[]> convert)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int ldPrev = hidden + 3, ldh = 2 * hidden + 1, lddh = hidden + 5, ldDhPrev = 2 * hidden + 2;
        const double Leak = 0.3;
        Nonlinearity f = tanh ? Nonlinearity.Tanh : Nonlinearity.Relu;
        float[] pre = Uniform(batch * hidden, 3, seed: hidden), hPrev = Uniform(batch * ldPrev, 1, seed: 2 + hidden);
        float[] a = Uniform(hidden, 3, seed: 3 + hidden), dh = Uniform(batch * lddh, 1, seed: 4 + hidden);
        float[] dhPrev = Uniform(batch * ldDhPrev, 1, seed: 5 + hidden), da = Uniform(hidden, 1, seed: 6 + hidden);
        float[] h = Poisoned(batch * ldh);
        T[] u = convert(pre), hp = convert(hPrev), leak = convert(a), hh = convert(h), d = convert(dh), dp = convert(dhPrev), dLeak = convert(da);

        double[] eU = new double[u.Length], eH = ToDouble(h), eDpre = new double[u.Length], eDp = ToDouble(dhPrev), eDa = ToDouble(da);
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                double alpha = learned ? Sigmoid(double.CreateChecked(leak[j])) : Leak;
                double p = double.CreateChecked(u[b * hidden + j]), prev = double.CreateChecked(hp[b * ldPrev + j]);
                double uj = tanh ? Math.Tanh(p) : Math.Max(0, p);
                eU[b * hidden + j] = uj;
                eH[b * ldh + j] = (1 - alpha) * prev + alpha * uj;
                double g = double.CreateChecked(d[b * lddh + j]);
                eDpre[b * hidden + j] = g * alpha * (tanh ? 1 - uj * uj : uj > 0 ? 1 : 0);
                eDp[b * ldDhPrev + j] += g * (1 - alpha);
                if (learned) eDa[j] += g * (uj - prev) * alpha * (1 - alpha);
            }

        if (learned) LeakyRnnCell.Forward<T>(u, hp, ldPrev, hh, ldh, batch, hidden, f, leak);
        else LeakyRnnCell.Forward<T>(u, hp, ldPrev, hh, ldh, batch, hidden, f, T.CreateChecked(Leak));
        Check(eU, u, tolerance, $"u ({what})");
        Check(eH, hh, tolerance, $"h ({what})");
        for (int b = 0; b < batch; b++)
            for (int j = hidden; j < ldh; j++) Assert.True(T.IsNaN(hh[b * ldh + j]), $"padding of h written ({what})");

        if (learned) LeakyRnnCell.Backward<T>(u, hp, ldPrev, d, lddh, dp, ldDhPrev, batch, hidden, f, leak, dLeak);
        else LeakyRnnCell.Backward<T>(u, d, lddh, dp, ldDhPrev, batch, hidden, f, T.CreateChecked(Leak));
        Check(eDpre, u, tolerance, $"dpre ({what})");
        Check(eDp, dp, tolerance, $"dh_prev ({what})");
        Check(learned ? eDa : ToDouble(da), dLeak, tolerance * Math.Max(1, batch), $"da ({what})");
    }

    private static void Check<T>(double[] expected, T[] actual, double tolerance, string what)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], v = double.CreateChecked(actual[i]);
            if (double.IsNaN(e)) { Assert.True(double.IsNaN(v), $"{what}[{i}]: {v} instead of NaN"); continue; }
            Assert.True(Math.Abs(e - v) <= tolerance * Math.Max(1, Math.Abs(e)), $"{what}[{i}]: {v:R} vs {e:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_the_reference(int width, Nonlinearity nonlinearity, bool learned)
    {
        using var forced = new ForcedWidth(width);
        foreach (int batch in Widths.Batch)
            foreach (int hidden in Widths.Hidden)
            {
                string what = $"{nonlinearity}, {(learned ? "learned" : "constant")} leak, width {width}, batch {batch}, H {hidden}";
                Run(batch, hidden, nonlinearity == Nonlinearity.Tanh, learned, 1e-6, "float, " + what, v => v);
                Run(batch, hidden, nonlinearity == Nonlinearity.Tanh, learned, 1e-14, "double, " + what, ToDouble);
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Output_may_overwrite_the_previous_state_and_no_previous_gradient_is_left_alone(int width)
    {
        using var forced = new ForcedWidth(width);
        const int Hidden = 19;
        double[] pre = ToDouble(Uniform(Hidden, 3, seed: 1)), h = ToDouble(Uniform(Hidden, 1, seed: 2)), u = (double[])pre.Clone(), state = (double[])h.Clone();
        // Single-step inference updates h in place: h is both h_prev and the output.
        LeakyRnnCell.Forward<double>(u, state, Hidden, state, Hidden, 1, Hidden, Nonlinearity.Tanh, 0.25);
        for (int j = 0; j < Hidden; j++) Assert.Equal(0.75 * h[j] + 0.25 * Math.Tanh(pre[j]), state[j], 14);
        // The first step has no h_(t-1) to send a gradient to.
        double[] dh = ToDouble(Uniform(Hidden, 1, seed: 3));
        LeakyRnnCell.Backward<double>(u, dh, Hidden, default, 0, 1, Hidden, Nonlinearity.Tanh, 0.25);
        for (int j = 0; j < Hidden; j++) Assert.Equal(dh[j] * 0.25 * (1 - Math.Tanh(pre[j]) * Math.Tanh(pre[j])), u[j], 14);
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_argument()
    {
        var u = new float[6];
        var h = new float[6];
        Assert.Equal("u", Assert.Throws<ArgumentException>(() => LeakyRnnCell.Forward<float>(u.AsSpan(0, 5), h, 3, h, 3, 2, 3, Nonlinearity.Tanh, 0.5f)).ParamName);
        Assert.Equal("leakLogits", Assert.Throws<ArgumentException>(() => LeakyRnnCell.Forward<float>(u, h, 3, h, 3, 2, 3, Nonlinearity.Tanh, new float[2])).ParamName);
        Assert.Equal("leakGradient", Assert.Throws<ArgumentException>(() =>
            LeakyRnnCell.Backward<float>(u, h, 3, h, 3, default, 0, 2, 3, Nonlinearity.Tanh, new float[3], new float[2])).ParamName);
    }
}
