using RnnGen.Inputs;
using RnnGen.Kernels;
using RnnGen.Losses;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// Every pointwise kernel outside the cells in double precision, at every width, against naive double loops. The
/// vector paths round differently from the loops (fused multiply-adds, lane-parallel sums), so the comparisons allow a
/// few ulps; a wrong lane, offset or tail is off by far more.
/// </summary>
public class DoublePrecisionKernelTests
{
    private const double Tolerance = 1e-13;

    /// <summary>Lengths around the register widths (8, 4 and 2 doubles): tails of every length.</summary>
    private static readonly int[] Counts = { 0, 1, 2, 3, 5, 8, 9, 15, 16, 17, 31, 33, 65, 129 };

    private static double[] Values(int count, double scale, int seed) => ToDouble(Uniform(count, scale, seed));

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Bias_and_embedding_sums(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int n in Counts)
        {
            double[] a = Values(n, 1, seed: n), b = Values(n, 1, seed: 100 + n), sum = new double[n];
            Bias.Sum<double>(a, b, sum);
            AssertClose(a.Zip(b, (x, y) => x + y).ToArray(), sum, 0, $"Bias.Sum n {n}");

            const int rows = 11, ldy = 140;
            double[] dy = Values(rows * ldy, 1, seed: 200 + n), db = Values(n, 1, seed: 300 + n), expected = (double[])db.Clone();
            for (int r = 0; r < rows; r++) for (int j = 0; j < n; j++) expected[j] += dy[r * ldy + j];
            Bias.AccumulateColumnSums<double>(dy, rows, n, ldy, db);
            AssertClose(expected, db, Tolerance, $"column sums n {n}");

            double[] table = Values(3 * n, 1, seed: 400 + n), eTable = (double[])table.Clone();
            int[] tokens = { 2, 0, 2 };
            double[] dx = Values(3 * n, 1, seed: 500 + n);
            for (int r = 0; r < 3; r++) for (int j = 0; j < n; j++) eTable[tokens[r] * n + j] += dx[r * n + j];
            Embedding.AccumulateGradient<double>(dx, n, tokens, table, n);
            AssertClose(eTable, table, 0, $"embedding gradient n {n}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Binary_cross_entropy_and_squared_error(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int n in Counts)
        {
            double[] z = Values(n, 30, seed: n), t = ToDouble(Uniform(n, 0, 1, seed: 100 + n)), y = new double[n], d = new double[n];
            BinaryCrossEntropy.Sigmoid<double>(z, y, n);
            AssertClose(z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), y, Tolerance, $"σ n {n}");
            double loss = z.Zip(t, (v, u) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v))) - u * v).Sum();
            AssertClose(new[] { 0.5 * loss }, new[] { BinaryCrossEntropy.Loss<double>(z, t, n, 0.5) }, Tolerance, $"BCE n {n}");
            BinaryCrossEntropy.Backward<double>(y, t, d, n, 0.5);
            AssertClose(y.Zip(t, (p, u) => 0.5 * (p - u)).ToArray(), d, Tolerance, $"dBCE n {n}");

            double[] o = Values(n, 3, seed: 200 + n);
            double squared = o.Zip(t, (p, u) => (p - u) * (p - u)).Sum();
            AssertClose(new[] { 0.25 * squared }, new[] { SquaredError.Loss<double>(o, t, n, 0.25) }, Tolerance, $"SE n {n}");
            SquaredError.Backward<double>(o, t, d, n, 0.25);
            AssertClose(o.Zip(t, (p, u) => 0.5 * (p - u)).ToArray(), d, Tolerance, $"dSE n {n}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Softmax_and_cross_entropy(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int n in Counts.Where(c => c > 0))
        {
            const int rows = 3;
            double[] z = Values(rows * n, 20, seed: n), values = (double[])z.Clone(), lse = new double[rows];
            Softmax.Rows<double>(values, rows, n, lse);
            for (int r = 0; r < rows; r++)
            {
                double[] row = z.Skip(r * n).Take(n).ToArray();
                double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
                AssertClose(row.Select(v => Math.Exp(v - max) / sum).ToArray(), values.AsSpan(r * n, n), Tolerance, $"p row {r} n {n}");
                AssertClose(new[] { max + Math.Log(sum) }, lse.AsSpan(r, 1), Tolerance, $"lse row {r} n {n}");
            }

            // Cross-entropy: logits z = x·Wᵀ + b over `classes`, with the head input of width n.
            const int classes = 5;
            int ldx = n + 3;
            double[] x = Values(rows * ldx, 1, seed: 100 + n), w = Values(classes * n, 1, seed: 200 + n), b = Values(classes, 1, seed: 300 + n);
            int[] targets = { 4, 0, 2 };
            double[] logSumExp = Values(rows, 1, seed: 400 + n);
            double expected = 0;
            for (int r = 0; r < rows; r++)
            {
                double logit = b[targets[r]];
                for (int j = 0; j < n; j++) logit += x[r * ldx + j] * w[targets[r] * n + j];
                expected += logSumExp[r] - logit;
            }
            double loss = Softmax.CrossEntropyLoss<double>(targets, x, ldx, n, w, b, logSumExp, rows, 0.5);
            AssertClose(new[] { 0.5 * expected }, new[] { loss }, Tolerance, $"CE n {n}");

            double[] p = Values(rows * n, 1, seed: 500 + n), d = new double[rows * n], eD = p.Select(v => 0.5 * v).ToArray();
            int[] ceTargets = { n - 1, 0, n / 2 };
            for (int r = 0; r < rows; r++) eD[r * n + ceTargets[r]] -= 0.5;
            Softmax.CrossEntropyBackward<double>(p, ceTargets, d, rows, n, 0.5);
            AssertClose(eD, d, Tolerance, $"dCE n {n}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Clipping(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int n in Counts)
        {
            double[] g = Values(n, 3, seed: n);
            double norm = Math.Sqrt(g.Sum(v => v * v));
            AssertClose(new[] { norm }, new[] { GradientClipping.GlobalNorm<double>(g) }, Tolerance, $"norm n {n}");

            double[] clipped = (double[])g.Clone();
            GradientClipping.ClipByGlobalNorm(clipped, 0.5);
            double scale = norm > 0.5 ? 0.5 / (norm + 1e-6) : 1;
            AssertClose(g.Select(v => v * scale).ToArray(), clipped, Tolerance, $"clip by norm n {n}");

            double[] clamped = (double[])g.Clone();
            GradientClipping.ClipByValue(clamped, 1.5);
            AssertClose(g.Select(v => Math.Clamp(v, -1.5, 1.5)).ToArray(), clamped, 0, $"clip by value n {n}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Sgd_every_variant(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach ((double momentum, bool nesterov, double decay) in new[] { (0.0, false, 0.0), (0.5, false, 0.0), (0.5, true, 0.0), (0.5, false, 0.1), (0.0, false, 0.1) })
            foreach (int n in Counts)
            {
                double[] theta = Values(n, 1, seed: n), expected = (double[])theta.Clone(), velocity = new double[n];
                var sgd = new Sgd<double>(0.1, momentum, nesterov, decay);
                for (int step = 1; step <= 3; step++)
                {
                    double[] g = Values(n, 1, seed: 100 * step + n);
                    sgd.Step(theta, g);
                    for (int i = 0; i < n; i++)
                    {
                        double d = g[i] + decay * expected[i];
                        if (momentum != 0)
                        {
                            velocity[i] = step == 1 ? d : momentum * velocity[i] + d;
                            d = nesterov ? d + momentum * velocity[i] : velocity[i];
                        }
                        expected[i] -= 0.1 * d;
                    }
                    AssertClose(expected, theta, Tolerance, $"SGD μ {momentum} nesterov {nesterov} λ {decay} n {n} step {step}");
                }
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Adam_and_adamw(int width)
    {
        using var forced = new ForcedWidth(width);
        const double Lr = 0.01, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        foreach ((bool decoupled, double decay) in new[] { (false, 0.0), (false, 0.1), (true, 0.1) })
            foreach (int n in Counts)
            {
                double[] theta = Values(n, 1, seed: n), expected = (double[])theta.Clone(), m = new double[n], v = new double[n];
                Adam<double> adam = decoupled ? new AdamW<double>(Lr, Beta1, Beta2, Epsilon, decay) : new Adam<double>(Lr, Beta1, Beta2, Epsilon, decay);
                for (int t = 1; t <= 3; t++)
                {
                    double[] g = Values(n, 1, seed: 100 * t + n);
                    adam.Step(theta, g);
                    for (int i = 0; i < n; i++)
                    {
                        double gi = g[i];
                        if (decoupled) expected[i] *= 1 - Lr * decay;
                        else gi += decay * expected[i];
                        m[i] = Beta1 * m[i] + (1 - Beta1) * gi;
                        v[i] = Beta2 * v[i] + (1 - Beta2) * gi * gi;
                        double mHat = m[i] / (1 - Math.Pow(Beta1, t)), vHat = v[i] / (1 - Math.Pow(Beta2, t));
                        expected[i] -= Lr * mHat / (Math.Sqrt(vHat) + Epsilon);
                    }
                    AssertClose(expected, theta, 1e-12, $"{(decoupled ? "AdamW" : "Adam")} λ {decay} n {n} step {t}");
                }
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Adagrad_and_rmsprop(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int n in Counts)
        {
            double[] theta = Values(n, 1, seed: n), expected = (double[])theta.Clone(), sum = Enumerable.Repeat(0.5, n).ToArray();
            var adagrad = new Adagrad<double>(0.1, learningRateDecay: 0.5, weightDecay: 0.1, initialAccumulator: 0.5);
            for (int t = 1; t <= 3; t++)
            {
                double[] g = Values(n, 1, seed: 100 * t + n);
                adagrad.Step(theta, g);
                double clr = 0.1 / (1 + (t - 1) * 0.5);
                for (int i = 0; i < n; i++)
                {
                    double gi = g[i] + 0.1 * expected[i];
                    sum[i] += gi * gi;
                    expected[i] -= clr * gi / (Math.Sqrt(sum[i]) + 1e-10);
                }
                AssertClose(expected, theta, Tolerance, $"Adagrad n {n} step {t}");
            }

            foreach ((bool centered, double momentum) in new[] { (false, 0.0), (true, 0.0), (false, 0.9), (true, 0.9) })
            {
                theta = Values(n, 1, seed: n);
                expected = (double[])theta.Clone();
                double[] square = new double[n], average = new double[n], buffer = new double[n];
                var rmsprop = new RmsProp<double>(0.01, weightDecay: 0.1, momentum: momentum, centered: centered);
                for (int t = 1; t <= 3; t++)
                {
                    double[] g = Values(n, 1, seed: 100 * t + n);
                    rmsprop.Step(theta, g);
                    for (int i = 0; i < n; i++)
                    {
                        double gi = g[i] + 0.1 * expected[i];
                        square[i] = 0.99 * square[i] + 0.01 * gi * gi;
                        average[i] = 0.99 * average[i] + 0.01 * gi;
                        double denominator = Math.Sqrt(centered ? square[i] - average[i] * average[i] : square[i]) + 1e-8;
                        buffer[i] = momentum * buffer[i] + gi / denominator;
                        expected[i] -= 0.01 * (momentum > 0 ? buffer[i] : gi / denominator);
                    }
                    AssertClose(expected, theta, 1e-12, $"RMSprop centered {centered} μ {momentum} n {n} step {t}");
                }
            }
        }
    }

    [Fact]
    public void Every_width_gives_the_same_float_bits_for_the_unfused_optimizers()
    {
        float[] Run(int width, Func<Optimizer<float>> create)
        {
            using var forced = new ForcedWidth(width);
            float[] theta = Uniform(67, 1, seed: 5);
            Optimizer<float> optimizer = create();
            for (int t = 0; t < 4; t++) optimizer.Step(theta, Uniform(67, 1, seed: 6 + t));
            return theta;
        }
        foreach (Func<Optimizer<float>> create in new Func<Optimizer<float>>[]
        {
            () => new Adagrad<float>(0.1f, weightDecay: 0.1f),
            () => new RmsProp<float>(0.01f, weightDecay: 0.1f, momentum: 0.9, centered: true),
            () => new AdamW<float>(0.01f),
            () => new Sgd<float>(0.1f, 0.5f, nesterov: true, weightDecay: 0.1f),
        })
        {
            float[] scalar = Run(1, create);
            foreach (int width in new[] { 128, 256, 512 }) Assert.Equal(scalar, Run(width, create));
        }
    }
}
