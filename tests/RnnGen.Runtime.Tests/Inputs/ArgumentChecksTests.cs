using RnnGen.Inputs;
using RnnGen.Runtime.Tests.Support;

namespace RnnGen.Runtime.Tests.Inputs;

/// <summary><see cref="ArgumentChecks.Finite{T}(ReadOnlySpan{T}, int, string, string, int)"/>'s vectorized scan at every width.</summary>
public class ArgumentChecksTests
{
    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Finite_finds_the_first_non_finite_value_at_every_position(int width)
    {
        using var forced = new ForcedWidth(width);
        const int count = 67;
        float[] values = Enumerable.Range(0, count).Select(i => (float)Math.Sin(i) * 1e30f).ToArray();
        ArgumentChecks.Finite<float>(values, count, "[67]", "x");
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            for (int i = 0; i < count; i++)
            {
                float[] v = (float[])values.Clone();
                v[i] = bad;
                var ex = Assert.Throws<ArgumentException>(() => ArgumentChecks.Finite<float>(v, count, "[67]", "x"));
                Assert.Contains($"at index {i} is not finite", ex.Message);
                // Before start, nothing is read.
                ArgumentChecks.Finite<float>(v, count, "[67]", "x", start: i + 1);
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Finite_over_real_rows_skips_padding_and_names_step_and_lane(int width)
    {
        using var forced = new ForcedWidth(width);
        const int steps = 3, batch = 2, features = 37;
        int[] lengths = [3, 1];
        double[] values = new double[steps * batch * features];
        ArgumentChecks.Finite<double>(values, values.Length, "[3, 2, 37]", "x", lengths, features);
        values[(2 * batch + 1) * features + 5] = double.NaN; // step 2, lane 1: padding
        ArgumentChecks.Finite<double>(values, values.Length, "[3, 2, 37]", "x", lengths, features);
        int index = (1 * batch + 0) * features + 36; // step 1, lane 0: real
        values[index] = double.PositiveInfinity;
        var ex = Assert.Throws<ArgumentException>(() => ArgumentChecks.Finite<double>(values, values.Length, "[3, 2, 37]", "x", lengths, features));
        Assert.Contains($"at index {index} (step 1, lane 0) is not finite", ex.Message);
    }
}
