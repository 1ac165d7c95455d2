using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Optimizers;

/// <summary><see cref="GradientClipping"/> against double-precision references (PyTorch's clip_grad_norm_ / clip_grad_value_).</summary>
public class GradientClippingTests
{
    private static readonly int[] Counts = { 0, 1, 7, 16, 17, 33, 65, 129, 1001 };

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Global_norm_is_accumulated_in_double(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int count in Counts)
        {
            float[] g = Uniform(count, 3, seed: count);
            double expected = Math.Sqrt(g.Sum(x => (double)x * x));
            Assert.Equal((float)expected, GradientClipping.GlobalNorm<float>(g));
        }
        // Squares that overflow float (1e30² = 1e60) still give the right norm: they are formed in double.
        float[] large = Enumerable.Repeat(1e30f, 33).ToArray();
        Assert.Equal((float)(1e30 * Math.Sqrt(33)), GradientClipping.GlobalNorm<float>(large), 1e24f);
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Clipping_by_norm_scales_only_when_the_norm_is_too_large(int width)
    {
        using var forced = new ForcedWidth(width);
        float[] g = Uniform(65, 1, seed: 1);
        double norm = Math.Sqrt(g.Sum(x => (double)x * x));
        float[] unchanged = (float[])g.Clone();
        Assert.Equal((float)norm, GradientClipping.ClipByGlobalNorm(unchanged, (float)norm * 2));
        Assert.Equal(g, unchanged);

        float[] clipped = (float[])g.Clone();
        GradientClipping.ClipByGlobalNorm(clipped, 0.5f);
        double scale = 0.5 / (norm + 1e-6);
        AssertClose(g.Select(x => x * scale).ToArray(), clipped, 1e-7, $"clipped (width {width})");

        float[] withNaN = (float[])g.Clone();
        withNaN[40] = float.NaN;
        float[] before = (float[])withNaN.Clone();
        Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm(withNaN, 0.5f)));
        Assert.Equal(before, withNaN); // non-finite norm: nothing scaled
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Clipping_by_norm_returns_the_norm_before_clipping_and_leaves_the_maximum_norm(int width)
    {
        using var forced = new ForcedWidth(width);
        const float maxNorm = 0.5f;
        foreach (int count in Counts.Where(c => c > 0))
        {
            float[] g = Uniform(count, 1, 4, seed: 10 + count); // every |g| ≥ 1: even one gradient is clipped
            float before = GradientClipping.GlobalNorm<float>(g);
            Assert.True(before > 2 * maxNorm, $"count {count}: norm {before} would not be clipped; the case shows nothing");
            float returned = GradientClipping.ClipByGlobalNorm(g, maxNorm);
            Assert.Equal(before, returned); // the caller logs and checks the norm it had, not the one it was clipped to
            // Within PyTorch's 1e-6 in the denominator (a relative 1e-6 / norm) plus float rounding.
            Assert.Equal(maxNorm, GradientClipping.GlobalNorm<float>(g), 1e-6f);
        }
    }

    [Fact]
    public void Clipping_by_norm_in_double_returns_the_norm_before_clipping_and_leaves_the_maximum_norm()
    {
        double[] g = Uniform(129, 4, seed: 3).Select(x => (double)x).ToArray();
        double before = Math.Sqrt(g.Sum(x => x * x));
        double returned = GradientClipping.ClipByGlobalNorm(g, 0.5);
        Assert.Equal(before, returned, 1e-12);
        Assert.True(returned > 1, $"norm {returned} would not be clipped");
        // PyTorch's 1e-6 in the denominator leaves the norm just under the maximum: 0.5 · ‖g‖ / (‖g‖ + 1e-6).
        Assert.Equal(0.5 * before / (before + 1e-6), Math.Sqrt(g.Sum(x => x * x)), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Clipping_by_value_clamps_each_gradient(int width)
    {
        using var forced = new ForcedWidth(width);
        float[] g = Uniform(67, 2, seed: 2);
        g[3] = float.NaN;
        g[20] = 1e4f;
        g[21] = -3e38f;
        float[] clipped = (float[])g.Clone();
        GradientClipping.ClipByValue(clipped, 0.75f);
        for (int i = 0; i < g.Length; i++)
        {
            if (float.IsNaN(g[i])) Assert.True(float.IsNaN(clipped[i]));
            else Assert.Equal(Math.Clamp(g[i], -0.75f, 0.75f), clipped[i]);
        }
    }
}
