using RnnGen.Attention;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Attention;

/// <summary>The attention's pointwise kernels against naive double-precision loops, at every SIMD width.</summary>
public class AttentionKernelTests
{
    // Rows are time-major: row r belongs to lane r mod batch. Lane 1 is unused (length 0), lane 2 is shorter.
    private static readonly int[] Lengths = [5, 0, 2];
    private const int Steps = 5, Batch = 3, Rows = 2 * Batch;

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Masked_softmax_and_its_gradient(int width)
    {
        using var forced = new ForcedWidth(width);
        float[] scores = Uniform(Rows * Steps, 4, seed: 1);
        double[] expected = new double[scores.Length];
        for (int r = 0; r < Rows; r++)
        {
            int n = Lengths[r % Batch];
            double max = double.NegativeInfinity, sum = 0;
            for (int s = 0; s < n; s++) max = Math.Max(max, scores[r * Steps + s]);
            for (int s = 0; s < n; s++) sum += Math.Exp(scores[r * Steps + s] - max);
            for (int s = 0; s < n; s++) expected[r * Steps + s] = Math.Exp(scores[r * Steps + s] - max) / sum;
        }
        MaskedSoftmax.Forward<float>(scores, Rows, Steps, Lengths);
        AssertClose(expected, scores, 1e-6, "weights");

        float[] gradient = Uniform(Rows * Steps, 1, seed: 2);
        double[] expectedGradient = new double[gradient.Length];
        for (int r = 0; r < Rows; r++)
        {
            int n = Lengths[r % Batch];
            double dot = 0;
            for (int s = 0; s < n; s++) dot += scores[r * Steps + s] * gradient[r * Steps + s];
            for (int s = 0; s < n; s++) expectedGradient[r * Steps + s] = scores[r * Steps + s] * (gradient[r * Steps + s] - dot);
        }
        MaskedSoftmax.Backward<float>(scores, gradient, Rows, Steps, Lengths);
        AssertClose(expectedGradient, gradient, 1e-6, "dL/de");
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Additive_scores_and_their_gradients(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int d in new[] { 1, 7, 16, 37 })
        {
            float[] q = Uniform(Rows * d, 1.5, seed: d), k = Uniform(Steps * Batch * d, 1.5, seed: d + 1), v = Uniform(d, 1, seed: d + 2);
            float[] scores = Uniform(Rows * Steps, 1, seed: 3); // stale values past each length must become 0
            double[] expected = new double[scores.Length];
            for (int r = 0; r < Rows; r++)
                for (int s = 0; s < Lengths[r % Batch]; s++)
                    for (int j = 0; j < d; j++)
                        expected[r * Steps + s] += v[j] * Math.Tanh(q[r * d + j] + k[(s * Batch + r % Batch) * d + j]);
            AdditiveScore.Forward<float>(q, k, v, scores, Rows, Steps, d, Lengths);
            AssertClose(expected, scores, 2e-6, $"scores (width {d})");

            float[] g = Uniform(Rows * Steps, 1, seed: 4);
            float[] dq = Uniform(Rows * d, 1, seed: 5), dk = Uniform(Steps * Batch * d, 1, seed: 6), dv = Uniform(d, 1, seed: 7);
            double[] eDq = ToDouble(dq), eDk = ToDouble(dk), eDv = ToDouble(dv);
            for (int r = 0; r < Rows; r++)
                for (int s = 0; s < Lengths[r % Batch]; s++)
                    for (int j = 0; j < d; j++)
                    {
                        int key = (s * Batch + r % Batch) * d + j;
                        double tau = Math.Tanh(q[r * d + j] + k[key]), gs = g[r * Steps + s];
                        eDv[j] += gs * tau;
                        eDq[r * d + j] += gs * v[j] * (1 - tau * tau);
                        eDk[key] += gs * v[j] * (1 - tau * tau);
                    }
            AdditiveScore.Backward<float>(q, k, v, g, dq, dk, dv, Rows, Steps, d, Lengths);
            AssertClose(eDq, dq, 2e-6, $"dq (width {d})");
            AssertClose(eDk, dk, 2e-6, $"dk (width {d})");
            AssertClose(eDv, dv, 1e-5, $"dv (width {d})");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.AllBothPrecisions), MemberType = typeof(Widths))]
    public void Masked_softmax_over_long_rows_matches_double_reference(int width, bool doublePrecision)
    {
        // Rows long enough for several registers at every width, lengths with tails of every size, padding left at 0.
        // Float within 1e-6 (its exponential is the 1-ulp polynomial), double within 1e-14.
        using var forced = new ForcedWidth(width);
        const int steps = 41, batch = 5, rows = 2 * batch;
        int[] lengths = [41, 0, 19, 4, 33];
        float[] scores = Uniform(rows * steps, 6, seed: 3), gradient = Uniform(rows * steps, 1, seed: 4);
        double[] expected = new double[scores.Length], expectedGradient = new double[scores.Length];
        for (int r = 0; r < rows; r++)
        {
            int n = lengths[r % batch];
            double max = double.NegativeInfinity, sum = 0, dot = 0;
            for (int s = 0; s < n; s++) max = Math.Max(max, scores[r * steps + s]);
            for (int s = 0; s < n; s++) sum += Math.Exp(scores[r * steps + s] - max);
            for (int s = 0; s < n; s++) expected[r * steps + s] = Math.Exp(scores[r * steps + s] - max) / sum;
            for (int s = 0; s < n; s++) dot += expected[r * steps + s] * gradient[r * steps + s];
            for (int s = 0; s < n; s++) expectedGradient[r * steps + s] = expected[r * steps + s] * (gradient[r * steps + s] - dot);
        }
        if (doublePrecision)
        {
            double[] weights = ToDouble(scores), g = ToDouble(gradient);
            MaskedSoftmax.Forward<double>(weights, rows, steps, lengths);
            AssertClose(expected, weights, 1e-14, "weights");
            // The gradient against the reference weights, so only the backward's own rounding counts.
            MaskedSoftmax.Backward<double>(expected, g, rows, steps, lengths);
            AssertClose(expectedGradient, g, 1e-14, "dL/de");
            return;
        }
        MaskedSoftmax.Forward<float>(scores, rows, steps, lengths);
        AssertClose(expected, scores, 1e-6, "weights");
        MaskedSoftmax.Backward<float>(scores, gradient, rows, steps, lengths);
        AssertClose(expectedGradient, gradient, 1e-6, "dL/de");
    }

    [Fact]
    public void Lengths_outside_the_steps_are_refused()
    {
        float[] scores = new float[Rows * Steps];
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskedSoftmax.Forward<float>(scores, Rows, Steps, [6, 0, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskedSoftmax.Backward<float>(scores, scores, Rows, Steps, [5, -1, 2]));
        Assert.Throws<ArgumentException>(() => MaskedSoftmax.Forward<float>(new float[Rows * Steps - 1], Rows, Steps, Lengths));
    }

    [Fact]
    public void Spans_too_short_are_refused()
    {
        float[] q = new float[8], k = new float[Steps * Batch * 4], v = new float[4], scores = new float[Rows * Steps];
        Assert.Throws<ArgumentException>(() => AdditiveScore.Forward<float>(q, k, v, scores, Rows, Steps, 4, Lengths));
        Assert.Throws<ArgumentException>(() => AdditiveScore.Row<float>(new float[4], new float[10], 4, v, new float[Steps], length: 3, width: 4));
    }
}
