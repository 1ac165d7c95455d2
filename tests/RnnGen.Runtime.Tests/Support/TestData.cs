namespace RnnGen.Runtime.Tests.Support;

/// <summary>Deterministic random inputs and comparisons of float results with double references.</summary>
internal static class TestData
{
    /// <summary>Uniform values in [−scale, scale].</summary>
    public static float[] Uniform(int count, double scale, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>Uniform values in [low, high].</summary>
    public static float[] Uniform(int count, double low, double high, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(low + random.NextDouble() * (high - low));
        return values;
    }

    /// <summary>Values filled with NaN: any element a kernel should not write stays NaN and is easy to spot.</summary>
    public static float[] Poisoned(int count) => Enumerable.Repeat(float.NaN, count).ToArray();

    public static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();

    /// <summary>
    /// Asserts <c>|actual − expected| ≤ tolerance·max(1, |expected|)</c> element-wise, NaN only where expected is NaN.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e))
            {
                Assert.True(double.IsNaN(a), $"{what}[{i}]: expected NaN (untouched), got {a:R}");
                continue;
            }
            Assert.True(Math.Abs(a - e) <= tolerance * Math.Max(1, Math.Abs(e)), $"{what}[{i}]: expected {e:R}, got {a:R}");
        }
    }

    /// <summary>As <see cref="AssertClose(ReadOnlySpan{double}, ReadOnlySpan{float}, double, string)"/> for double results.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e))
            {
                Assert.True(double.IsNaN(a), $"{what}[{i}]: expected NaN (untouched), got {a:R}");
                continue;
            }
            Assert.True(Math.Abs(a - e) <= tolerance * Math.Max(1, Math.Abs(e)), $"{what}[{i}]: expected {e:R}, got {a:R}");
        }
    }

    /// <summary>Asserts every value is finite.</summary>
    public static void AssertFinite(ReadOnlySpan<float> values, string what)
    {
        for (int i = 0; i < values.Length; i++) Assert.True(float.IsFinite(values[i]), $"{what}[{i}] = {values[i]} is not finite");
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
