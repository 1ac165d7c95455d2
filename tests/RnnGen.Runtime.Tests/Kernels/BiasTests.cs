using RnnGen.Kernels;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary><see cref="Bias"/> against naive loops.</summary>
public class BiasTests
{
    private static readonly int[] Rows = { 1, 2, 5, 64, 131 };

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Column_sums_accumulate_every_row_into_the_bias_gradient(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int rows in Rows)
            foreach (int n in Widths.Hidden)
            {
                int ldy = n + 9;
                float[] dy = Uniform(rows * ldy, 1, seed: n), db = Uniform(n + 2, 1, seed: rows);
                db[n] = db[n + 1] = float.NaN; // past n: untouched
                double[] expected = ToDouble(db);
                for (int j = 0; j < n; j++)
                    for (int r = 0; r < rows; r++) expected[j] += dy[r * ldy + j];

                Bias.AccumulateColumnSums<float>(dy, rows, n, ldy, db);

                AssertClose(expected, db, 1e-6 * Math.Sqrt(rows), $"db (width {width}, rows {rows}, n {n})");
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Sum_and_broadcast_match_naive_loops(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int n in Widths.Hidden)
        {
            float[] a = Uniform(n, 1, seed: n), b = Uniform(n, 1, seed: n + 1), sum = Poisoned(n + 1);
            Bias.Sum<float>(a, b, sum);
            for (int j = 0; j < n; j++) Assert.Equal(a[j] + b[j], sum[j]);
            Assert.True(float.IsNaN(sum[n]));

            const int rows = 3;
            int ldc = n + 4;
            float[] c = Poisoned(rows * ldc);
            Bias.Broadcast<float>(c, rows, n, ldc, a);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < ldc; j++)
                    Assert.Equal(j < n ? a[j] : float.NaN, c[r * ldc + j]);
        }
    }

    [Fact]
    public void Double_column_sums_are_exact_in_row_order()
    {
        double[] dy = ToDouble(Uniform(7 * 5, 1, seed: 1)), db = { 1, 2, 3 };
        double[] expected = (double[])db.Clone();
        for (int r = 0; r < 7; r++)
            for (int j = 0; j < 3; j++) expected[j] += dy[r * 5 + j];
        Bias.AccumulateColumnSums<double>(dy, 7, 3, 5, db);
        Assert.Equal(expected, db);
    }
}
