using RnnGen.Losses;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary><see cref="BinaryCrossEntropy"/> and <see cref="SquaredError"/> against naive double-precision references.</summary>
public class ElementwiseLossTests
{
    private static IEnumerable<int> Counts => Widths.Batch.SelectMany(b => Widths.Hidden.Select(h => b * h));

    private static double Softplus(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return Math.Max(x, 0) + (e < 1e-5 ? e - e * e / 2 : Math.Log(1 + e));
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Binary_cross_entropy_matches_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int count in Counts)
        {
            float[] z = Uniform(count + 3, 12, seed: count), t = Uniform(count + 3, 0, 1, seed: count + 1);
            float[] y = Poisoned(count + 3), d = Poisoned(count + 3);
            const float scale = 0.5f;
            double[] eY = ToDouble(y), eD = ToDouble(d);
            double eLoss = 0;
            for (int i = 0; i < count; i++)
            {
                eY[i] = Sigmoid(z[i]);
                eLoss += Softplus(z[i]) - (double)t[i] * z[i];
            }
            eLoss *= scale;

            BinaryCrossEntropy.Sigmoid<float>(z, y, count);
            float loss = BinaryCrossEntropy.Loss<float>(z, t, count, scale);
            for (int i = 0; i < count; i++) eD[i] = scale * ((double)y[i] - t[i]);
            BinaryCrossEntropy.Backward<float>(y, t, d, count, scale);

            string what = $"width {width}, count {count}";
            AssertClose(eY, y, 1e-6, $"σ ({what})");                // values past count stay NaN
            Assert.True(Math.Abs(loss - eLoss) <= 2e-6 * Math.Max(1, Math.Abs(eLoss)), $"loss {loss:R}, expected {eLoss:R} ({what})");
            AssertClose(eD, d, 1e-7, $"dz ({what})");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Binary_cross_entropy_of_extreme_logits_is_finite_and_exact(int width)
    {
        using var forced = new ForcedWidth(width);
        // Confident and right (loss ≈ 0, also for ±3e38), confidently wrong (loss = |z|), and undecided.
        float[] z = { 3e38f, -3e38f, 1e4f, -1e4f, 1e4f, -1e4f, 100f, -100f, 3e38f, -3e38f, 1e4f, -1e4f, 1e4f, -1e4f, 100f, -100f, 0f };
        float[] t = { 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0.5f };
        float[] y = new float[z.Length];
        BinaryCrossEntropy.Sigmoid<float>(z, y, z.Length);
        AssertFinite(y, "σ");
        float loss = BinaryCrossEntropy.Loss<float>(z, t, z.Length, 1f);
        Assert.True(float.IsFinite(loss), $"loss {loss}");
        double expected = 0;
        for (int i = 0; i < z.Length; i++) expected += Softplus(z[i]) - (double)t[i] * z[i];
        Assert.Equal(expected, loss, expected * 1e-6);
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Squared_error_matches_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int count in Counts)
        {
            float[] y = Uniform(count + 2, 3, seed: count), t = Uniform(count + 2, 3, seed: count + 1), d = Poisoned(count + 2);
            const float scale = 0.2f;
            double eLoss = 0;
            double[] eD = ToDouble(d);
            for (int i = 0; i < count; i++)
            {
                double diff = (double)y[i] - t[i];
                eLoss += diff * diff;
                eD[i] = 2 * scale * diff;
            }
            eLoss *= scale;

            float loss = SquaredError.Loss<float>(y, t, count, scale);
            SquaredError.Backward<float>(y, t, d, count, scale);

            string what = $"width {width}, count {count}";
            Assert.True(Math.Abs(loss - eLoss) <= 2e-6 * Math.Max(1, eLoss), $"loss {loss:R}, expected {eLoss:R} ({what})");
            AssertClose(eD, d, 1e-6, $"dy ({what})");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void SigmoidBackward_gives_the_scalar_formulas_bits_at_every_width(int width)
    {
        // (g·y)·(1 − y) has no fused operation and no reduction, so every width rounds exactly as the scalar formula.
        using var forced = new ForcedWidth(width);
        foreach (int count in Counts)
        {
            float[] y = Uniform(count, 0, 1, seed: count), g = Uniform(count, 3, seed: count + 1);
            var dz = new float[count];
            BinaryCrossEntropy.SigmoidBackward<float>(y, g, dz, count);
            for (int i = 0; i < count; i++) Assert.Equal(g[i] * y[i] * (1f - y[i]), dz[i]);
        }
    }

    [Fact]
    public void SigmoidBackward_multiplies_by_the_derivative_of_the_sigmoid()
    {
        double[] z = { -40, -3, -0.5, 0, 0.25, 2, 40 };
        double[] g = { 1, -2, 0.5, 3, -1, 0.75, 2 };
        var y = new double[z.Length];
        BinaryCrossEntropy.Sigmoid<double>(z, y, z.Length);
        var dz = new double[z.Length];
        BinaryCrossEntropy.SigmoidBackward<double>(y, g, dz, z.Length);
        for (int i = 0; i < z.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-z[i]));
            Assert.Equal(g[i] * s * (1 - s), dz[i], 1e-15);
        }
        BinaryCrossEntropy.SigmoidBackward<double>(y, g, g, z.Length); // in place
        Assert.Equal(dz, g);
    }
}

