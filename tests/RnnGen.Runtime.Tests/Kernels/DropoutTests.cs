using RnnGen.Kernels;
using RnnGen.Randomness;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary><see cref="Dropout"/>: the masks' statistics and determinism, and the masked products against naive loops at every width.</summary>
public class DropoutTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void A_mask_drops_p_of_its_values_and_scales_the_rest(double p)
    {
        float[] mask = new float[200_001]; // odd: the last value takes a draw of its own
        Dropout.DrawMask<float>(mask, p, new Xoshiro256StarStar(3));
        float keep = (float)(1 / (1 - p));
        Assert.All(mask, v => Assert.True(v == 0f || v == keep, $"{v}"));
        double dropped = mask.Count(v => v == 0f) / (double)mask.Length, se = Math.Sqrt(p * (1 - p) / mask.Length);
        Assert.InRange(dropped, p - 5 * se, p + 5 * se);
        // The mean factor is 1: inverted dropout keeps each value's expectation.
        Assert.InRange(mask.Average(v => (double)v), 1 - 5 * se * keep, 1 + 5 * se * keep);
    }

    [Fact]
    public void The_same_generator_state_draws_the_same_mask_and_p_zero_keeps_everything()
    {
        double[] a = new double[1001], b = new double[1001], c = new double[1001];
        Dropout.DrawMask<double>(a, 0.4, new Xoshiro256StarStar(9));
        Dropout.DrawMask<double>(b, 0.4, new Xoshiro256StarStar(9));
        Dropout.DrawMask<double>(c, 0.4, new Xoshiro256StarStar(10));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Dropout.DrawMask<double>(a, 0, new Xoshiro256StarStar(9));
        Assert.All(a, v => Assert.Equal(1.0, v));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_probability_outside_zero_to_one_is_refused_and_the_mask_is_left_alone(double p)
    {
        float[] mask = [7f, 7f];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.DrawMask<float>(mask, p, new Xoshiro256StarStar(1)));
        Assert.Equal("p", ex.ParamName);
        Assert.Equal([7f, 7f], mask);
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Apply_and_add_applied_match_naive_loops(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int columns in Widths.Hidden)
        {
            const int rows = 3;
            int ldx = columns + 2, ldm = columns, ldy = columns + 5;
            float[] x = Uniform(rows * ldx, 1, seed: columns), m = new float[rows * ldm];
            Dropout.DrawMask<float>(m, 0.5, new Xoshiro256StarStar((ulong)columns));
            float[] y = Poisoned(rows * ldy), sum = Uniform(rows * ldy, 1, seed: columns + 1);
            float[] expectedSum = (float[])sum.Clone();
            Dropout.Apply<float>(x, ldx, m, ldm, y, ldy, rows, columns);
            Dropout.AddApplied<float>(x, ldx, m, ldm, sum, ldy, rows, columns, accumulate: true);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < ldy; j++)
                {
                    int i = r * ldy + j;
                    if (j >= columns)
                    {
                        Assert.True(float.IsNaN(y[i]), $"width {width}: column {j} past the end was written");
                        continue;
                    }
                    float product = x[r * ldx + j] * m[r * ldm + j];
                    Assert.Equal(product, y[i]);
                    Assert.Equal(expectedSum[i] + product, sum[i], 6);
                }
        }
    }
}
