using RnnGen.Losses;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary><see cref="Softmax"/> against naive double-precision softmax and cross-entropy.</summary>
public class SoftmaxTests
{
    private static readonly int[] Classes = { 1, 2, 3, 7, 16, 17, 33, 65, 129 };

    private static (double[] P, double[] Lse) ReferenceRows(float[] z, int rows, int n)
    {
        var p = new double[rows * n];
        var lse = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < n; j++) max = Math.Max(max, z[r * n + j]);
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.Exp(z[r * n + j] - max);
            for (int j = 0; j < n; j++) p[r * n + j] = Math.Exp(z[r * n + j] - max) / sum;
            lse[r] = max + Math.Log(sum);
        }
        return (p, lse);
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Rows_match_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int rows in Widths.Batch)
            foreach (int n in Classes)
            {
                float[] z = Uniform(rows * n, 8, seed: n);
                var (p, lse) = ReferenceRows(z, rows, n);
                float[] values = (float[])z.Clone(), logSumExp = new float[rows];

                Softmax.Rows<float>(values, rows, n, logSumExp);

                string what = $"width {width}, rows {rows}, n {n}";
                AssertClose(p, values, 1e-6, $"p ({what})");
                for (int k = 0; k < p.Length; k++)
                    Assert.True(Math.Abs(values[k] - p[k]) <= 1e-6 * p[k] + 1e-30, $"p[{k}] = {values[k]:R}, expected {p[k]:R} ({what})");
                AssertClose(lse, logSumExp, 1e-6, $"lse ({what})");
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Large_logits_give_finite_probabilities_and_log_sum_exp(int width)
    {
        using var forced = new ForcedWidth(width);
        const int n = 37;
        float[] values = new float[3 * n], lse = new float[3];
        for (int j = 0; j < n; j++)
        {
            values[j] = j == 5 ? 1e4f : -1e4f;             // one dominant class
            values[n + j] = j % 2 == 0 ? 3e38f : -3e38f;   // extremes; z − max overflows to −∞ for half the row
            values[2 * n + j] = 1e4f;                       // all equal and large
        }
        Softmax.Rows<float>(values, 3, n, lse);
        AssertFinite(values, "p");
        AssertFinite(lse, "lse");
        Assert.Equal(1f, values[5]);
        Assert.Equal(1e4f, lse[0]);
        Assert.Equal(3e38f, lse[1], 1e32f);
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(j % 2 == 0 ? 1f / 19 : 0f, values[n + j], 1e-6f);
            Assert.Equal(1f / n, values[2 * n + j], 1e-7f);
        }
        Assert.Equal(1e4 + Math.Log(n), lse[2], 1e-3);
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Cross_entropy_loss_and_gradient_match_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        const int classes = 7;
        foreach (int rows in Widths.Batch)
            foreach (int headWidth in Widths.Hidden)
            {
                int ldx = 2 * headWidth + 1;
                float[] x = Uniform(rows * ldx, 1, seed: headWidth), weight = Uniform(classes * headWidth, 1, seed: 1 + headWidth);
                float[] bias = Uniform(classes, 1, seed: 2), lse = Uniform(rows, 3, seed: 3);
                int[] targets = Enumerable.Range(0, rows).Select(r => (r * 3 + headWidth) % classes).ToArray();
                const float scale = 0.25f;
                double expected = 0;
                for (int r = 0; r < rows; r++)
                {
                    double z = bias[targets[r]];
                    for (int j = 0; j < headWidth; j++) z += (double)x[r * ldx + j] * weight[targets[r] * headWidth + j];
                    expected += lse[r] - z;
                }
                expected *= scale;

                float loss = Softmax.CrossEntropyLoss<float>(targets, x, ldx, headWidth, weight, bias, lse, rows, scale);
                Assert.True(Math.Abs(loss - expected) <= 2e-6 * Math.Max(1, Math.Abs(expected)), $"loss {loss:R}, expected {expected:R} (width {width}, rows {rows}, width {headWidth})");

                float[] p = Uniform(rows * headWidth, 0, 1, seed: 4), d = new float[rows * headWidth];
                int[] classTargets = Enumerable.Range(0, rows).Select(r => (r * 5) % headWidth).ToArray();
                double[] eD = p.Select(v => (double)v * scale).ToArray();
                for (int r = 0; r < rows; r++) eD[r * headWidth + classTargets[r]] -= scale;
                Softmax.CrossEntropyBackward<float>(p, classTargets, d, rows, headWidth, scale);
                AssertClose(eD, d, 1e-7, $"dz (width {width}, rows {rows}, n {headWidth})");
            }
    }

    [Fact]
    public void Targets_outside_the_classes_are_rejected()
    {
        float[] p = new float[6], d = new float[6], x = new float[4], w = new float[6], b = new float[3], lse = new float[2];
        Assert.Throws<ArgumentException>("targets", () => Softmax.CrossEntropyBackward<float>(p, new[] { 0, 3 }, d, 2, 3, 1f));
        Assert.Throws<ArgumentException>("targets", () => Softmax.CrossEntropyLoss<float>(new[] { 0, -1 }, x, 2, 2, w, b, lse, 2, 1f));
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Double_precision_matches_the_reference_at_every_width(int width)
    {
        using var forced = new ForcedWidth(width);
        float[] z = Uniform(3 * 17, 8, seed: 9);
        var (p, lse) = ReferenceRows(z, 3, 17);
        double[] values = ToDouble(z), logSumExp = new double[3];
        Softmax.Rows<double>(values, 3, 17, logSumExp);
        AssertClose(p, values, 1e-15, "p");
        AssertClose(lse, logSumExp, 1e-15, "lse");
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void JacobianBackward_matches_double_reference_at_every_width(int width)
    {
        // dz = p ⊙ (g − Σ g_j·p_j) per row, against the same formula in double precision (relative 1e-6), rows of every
        // tail length; in place (dz over g) gives the same bits.
        using var forced = new ForcedWidth(width);
        foreach (int rows in Widths.Batch)
            foreach (int n in Widths.Hidden)
            {
                // p: each row a probability vector, as softmax gives (so |Σ g_j·p_j| ≤ max |g|).
                float[] p = Uniform(rows * n, 0, 1, seed: 3 * n + rows), g = Uniform(rows * n, 2, seed: 5 * n + rows);
                for (int r = 0; r < rows; r++)
                {
                    float sum = 0;
                    for (int j = 0; j < n; j++) sum += p[r * n + j];
                    for (int j = 0; j < n; j++) p[r * n + j] /= sum;
                }
                var expected = new double[rows * n];
                for (int r = 0; r < rows; r++)
                {
                    double dot = 0;
                    for (int j = 0; j < n; j++) dot += (double)g[r * n + j] * p[r * n + j];
                    for (int j = 0; j < n; j++) expected[r * n + j] = p[r * n + j] * (g[r * n + j] - dot);
                }
                var dz = new float[rows * n];
                Softmax.JacobianBackward<float>(p, g, dz, rows, n);
                AssertClose(expected, dz, 1e-6, $"dz (rows {rows}, n {n}, width {width})");
                Softmax.JacobianBackward<float>(p, g, g, rows, n);
                Assert.Equal(dz, g);
            }
    }

    [Fact]
    public void JacobianBackward_is_the_gradient_through_softmax_in_place_too()
    {
        // L(z) = Σ_j c_j·softmax(z)_j, so dL/dp = c; its dL/dz against central differences of L, per row.
        const int rows = 3, n = 5;
        double[] z = { 0.3, -1.2, 2.0, 0.1, -0.4, 5, 5, 5, 5, 5, -30, 0, 1, 2, 3 };
        double[] c = { 1, -2, 0.5, 3, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 2, -1, 0, 1, -3 };
        double[] p = (double[])z.Clone();
        Softmax.Rows<double>(p, rows, n, new double[rows]);
        var dz = new double[rows * n];
        Softmax.JacobianBackward<double>(p, c, dz, rows, n);
        for (int i = 0; i < z.Length; i++)
        {
            int r = i / n;
            double Loss(double shift)
            {
                double[] row = z.AsSpan(r * n, n).ToArray();
                row[i % n] += shift;
                Softmax.Rows<double>(row, 1, n, new double[1]);
                double total = 0;
                for (int j = 0; j < n; j++) total += c[r * n + j] * row[j];
                return total;
            }
            double numeric = (Loss(1e-6) - Loss(-1e-6)) / 2e-6;
            Assert.True(Math.Abs(numeric - dz[i]) < 1e-8, $"dz[{i}] = {dz[i]:R}, numeric {numeric:R}");
        }
        double[] inPlace = (double[])c.Clone();
        Softmax.JacobianBackward<double>(p, inPlace, inPlace, rows, n);
        Assert.Equal(dz, inPlace);
    }
}

