using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using RnnGen.Runtime.Tests.Support;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="VectorMath{TOps, TVec, T}"/> on dense grids against double-precision <see cref="Math"/>, at every lane width (the
/// functions are called directly with each width's <see cref="ISimdOps{TVec, T}"/>, so no path switch is involved).
/// </summary>
public unsafe class VectorMathTests
{
    private enum Function { Exp, Sigmoid, Tanh, Softplus }

    public static TheoryData<int> Lanes => new() { 16, 8, 4, 1 };

    private static void Map(int lanes, Function function, float[] x, float[] y)
    {
        switch (lanes)
        {
            case 16: Map<Vector512Ops<float>, Vector512<float>>(function, x, y); break;
            case 8: Map<Vector256Ops<float>, Vector256<float>>(function, x, y); break;
            case 4: Map<Vector128Ops<float>, Vector128<float>>(function, x, y); break;
            default: Map<ScalarOps<float>, float>(function, x, y); break;
        }
    }

    private static void Map<TOps, TVec>(Function function, float[] x, float[] y)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged
    {
        int i = Run<TOps, TVec>(function, x, y, 0);
        Run<ScalarOps<float>, float>(function, x, y, i); // the tail, as the kernels do it
    }

    private static int Run<TOps, TVec>(Function function, float[] x, float[] y, int i)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged
    {
        fixed (float* xp = x, yp = y)
        {
            for (; i <= x.Length - TOps.Count; i += TOps.Count)
            {
                TVec v = TOps.Load(xp + i);
                TVec r = function switch
                {
                    Function.Exp => VectorMath<TOps, TVec, float>.Exp(v),
                    Function.Sigmoid => VectorMath<TOps, TVec, float>.Sigmoid(v),
                    Function.Tanh => VectorMath<TOps, TVec, float>.Tanh(v),
                    _ => VectorMath<TOps, TVec, float>.Softplus(v),
                };
                TOps.Store(r, yp + i);
            }
        }
        return i;
    }

    /// <summary>Evenly spaced points of [low, high], plus ± a logarithmic sweep of tiny magnitudes.</summary>
    private static float[] Grid(double low, double high, int count)
    {
        var points = new List<float>(count + 200);
        for (int i = 0; i < count; i++) points.Add((float)(low + (high - low) * i / (count - 1)));
        for (double m = 1e-38; m < 1; m *= 1.5) { points.Add((float)m); points.Add((float)-m); }
        for (int bits = 1; bits < 1 << 23; bits = bits * 3 + 1) // subnormals
        {
            points.Add(BitConverter.Int32BitsToSingle(bits));
            points.Add(-BitConverter.Int32BitsToSingle(bits));
        }
        points.Add(0f);
        points.Add(-0f);
        return points.ToArray();
    }

    [Theory]
    [MemberData(nameof(Lanes))]
    public void Exp_is_within_two_ulp_over_the_normal_range(int lanes)
    {
        float[] x = Grid(-87.3, 88.7, 1_000_001), y = new float[x.Length];
        Map(lanes, Function.Exp, x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Exp(x[i]);
            double ulp = MathF.BitIncrement((float)expected) - (float)expected;
            Assert.True(Math.Abs(y[i] - expected) <= 2 * ulp, $"exp({x[i]:R}) = {y[i]:R}, expected {expected:R} ({Math.Abs(y[i] - expected) / ulp:F2} ulp)");
        }
    }

    [Theory]
    [MemberData(nameof(Lanes))]
    public void Exp_overflows_and_underflows_to_the_limits(int lanes)
    {
        float[] x = { 89f, 1e4f, 3e38f, float.MaxValue, -104f, -1e4f, -3e38f, -float.MaxValue, -100f, -87.5f };
        float[] y = new float[x.Length];
        Map(lanes, Function.Exp, x, y);
        for (int i = 0; i < 4; i++) Assert.Equal(float.PositiveInfinity, y[i]);
        for (int i = 4; i < 8; i++) Assert.Equal(0f, y[i]);
        // Subnormal results: within one subnormal step of the truth.
        Assert.True(Math.Abs(y[8] - Math.Exp(-100)) <= 1.5e-45, $"exp(-100) = {y[8]:R}");
        Assert.True(Math.Abs(y[9] - Math.Exp(-87.5)) <= 1.5e-45, $"exp(-87.5) = {y[9]:R}");
    }

    [Theory]
    [MemberData(nameof(Lanes))]
    public void Sigmoid_has_relative_error_below_1e6_everywhere(int lanes)
    {
        float[] x = Grid(-105, 30, 1_000_001), y = new float[x.Length];
        Map(lanes, Function.Sigmoid, x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = 1 / (1 + Math.Exp(-(double)x[i]));
            double error = Math.Abs(y[i] - expected);
            // Relative where σ is a normal float; below that (x < −87.3) absolute: σ flushes to 0 once e^−x overflows (x < −88.7).
            bool ok = expected >= 1.2e-38 ? error <= 1e-6 * expected : error <= 1.2e-38;
            Assert.True(ok, $"σ({x[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Lanes))]
    public void Tanh_has_relative_error_below_1e6_everywhere(int lanes)
    {
        float[] x = Grid(-12, 12, 1_000_001), y = new float[x.Length];
        Map(lanes, Function.Tanh, x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Tanh(x[i]);
            // Relative for normal results; a subnormal result can only be as close as its spacing 2^−149.
            double tolerance = Math.Max(1e-6 * Math.Abs(expected), Math.Abs(expected) < 1.2e-38 ? 1.5e-45 : 0);
            Assert.True(Math.Abs(y[i] - expected) <= tolerance, $"tanh({x[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Lanes))]
    public void Softplus_has_relative_error_below_1e6_everywhere(int lanes)
    {
        float[] x = Grid(-100, 100, 200_001), y = new float[x.Length];
        Map(lanes, Function.Softplus, x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i];
            double e = Math.Exp(-Math.Abs(xi));
            // log1p(e) by its series where 1 + e would lose e's digits even in double.
            double expected = Math.Max(xi, 0) + (e < 1e-5 ? e - e * e / 2 + e * e * e / 3 : Math.Log(1 + e));
            bool ok = expected >= 1.2e-38 ? Math.Abs(y[i] - expected) <= 1e-6 * expected : Math.Abs(y[i] - expected) <= 1.2e-38;
            Assert.True(ok, $"softplus({xi:R}) = {y[i]:R}, expected {expected:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Lanes))]
    public void Extreme_inputs_give_finite_correct_limits_and_NaN_stays_NaN(int lanes)
    {
        float[] x = { 1e4f, -1e4f, 3e38f, -3e38f, float.MaxValue, -float.MaxValue, float.NaN, 0f, -0f };
        float[] sigmoid = new float[x.Length], tanh = new float[x.Length], softplus = new float[x.Length], exp = new float[x.Length];
        Map(lanes, Function.Sigmoid, x, sigmoid);
        Map(lanes, Function.Tanh, x, tanh);
        Map(lanes, Function.Softplus, x, softplus);
        Map(lanes, Function.Exp, x, exp);
        Assert.Equal(new[] { 1f, 0f, 1f, 0f, 1f, 0f }, sigmoid[..6]);
        // ±1 exactly with FMA hardware; without it (software fallbacks) the clamped rational stops 2 ulp short.
        Assert.Equal(new[] { 1f, -1f, 1f, -1f, 1f, -1f }, tanh[..6], (IEqualityComparer<float>)new Near(2.5e-7));
        Assert.Equal(new[] { 1e4f, 0f, 3e38f, 0f, float.MaxValue, 0f }, softplus[..6]);
        Assert.True(float.IsNaN(sigmoid[6]) && float.IsNaN(tanh[6]) && float.IsNaN(softplus[6]) && float.IsNaN(exp[6]), "NaN must propagate");
        Assert.Equal(0.5f, sigmoid[7]);
        Assert.Equal(0f, tanh[7]);
        Assert.Equal(1f, exp[7]);
        Assert.Equal(MathF.Log(2), softplus[7], 1e-7f);
    }
}
