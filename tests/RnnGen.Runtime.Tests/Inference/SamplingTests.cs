using RnnGen.Inference;
using RnnGen.Randomness;

namespace RnnGen.Runtime.Tests.Inference;

/// <summary><see cref="Sampling"/>: draws at a temperature follow the tempered distribution.</summary>
public class SamplingTests
{
    // The zero entry must never be drawn, at any temperature.
    private static readonly double[] Probabilities = { 0.5, 0.3, 0.15, 0.05, 0.0 };

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Sample_frequencies_follow_p_to_the_power_one_over_temperature(double temperature)
    {
        const int draws = 200_000;
        double[] expected = Probabilities.Select(p => Math.Pow(p, 1 / temperature)).ToArray();
        double total = expected.Sum();
        for (int j = 0; j < expected.Length; j++) expected[j] /= total;

        var counts = new int[Probabilities.Length];
        var random = new Xoshiro256StarStar(42);
        for (int i = 0; i < draws; i++) counts[Sampling.Sample<double>(Probabilities, temperature, random)]++;

        for (int j = 0; j < counts.Length; j++)
        {
            double frequency = (double)counts[j] / draws;
            // Five binomial standard errors: a correct sampler lands outside with probability 6e-7 per class, while
            // p^τ in place of p^(1/τ) misses by more than 40 standard errors at τ = 0.5 and τ = 2.
            double tolerance = 5 * Math.Sqrt(expected[j] * (1 - expected[j]) / draws);
            Assert.True(Math.Abs(frequency - expected[j]) <= tolerance,
                $"τ = {temperature}, class {j}: frequency {frequency:F5}, expected {expected[j]:F5} ± {tolerance:F5}");
        }
    }

    private static int[] Counts(double[] p, double temperature, int topK, double topP, int draws, ulong seed = 7)
    {
        var counts = new int[p.Length];
        var random = new Xoshiro256StarStar(seed);
        for (int i = 0; i < draws; i++) counts[Sampling.Sample<double>(p, temperature, random, topK, topP)]++;
        return counts;
    }

    private static void AssertFrequencies(int[] counts, double[] expected, string what)
    {
        int draws = counts.Sum();
        for (int j = 0; j < counts.Length; j++)
        {
            double frequency = (double)counts[j] / draws;
            if (expected[j] == 0) { Assert.True(counts[j] == 0, $"{what}: class {j} drawn {counts[j]} times, expected never"); continue; }
            double tolerance = 5 * Math.Sqrt(expected[j] * (1 - expected[j]) / draws);
            Assert.True(Math.Abs(frequency - expected[j]) <= tolerance, $"{what}, class {j}: frequency {frequency:F5}, expected {expected[j]:F5} ± {tolerance:F5}");
        }
    }

    [Fact]
    public void Top_k_draws_only_the_k_most_likely_in_their_tempered_proportions()
    {
        // p = 0.15 at index 0 and the two best at 1 and 3: k = 2 keeps {1, 3}, renormalized: 0.5/0.8, 0.3/0.8.
        double[] p = { 0.15, 0.5, 0.05, 0.3 };
        AssertFrequencies(Counts(p, 1, topK: 2, topP: 1, 100_000), new[] { 0, 0.625, 0, 0.375 }, "k = 2, τ = 1");
        // τ = 2: weights √p over the two kept.
        double a = Math.Sqrt(0.5), b = Math.Sqrt(0.3);
        AssertFrequencies(Counts(p, 2, topK: 2, topP: 1, 100_000), new[] { 0, a / (a + b), 0, b / (a + b) }, "k = 2, τ = 2");
        // k = 1 is the most likely, at any temperature; k ≥ n keeps everything.
        AssertFrequencies(Counts(p, 5, topK: 1, topP: 1, 2_000), new[] { 0, 1.0, 0, 0 }, "k = 1");
        AssertFrequencies(Counts(p, 1, topK: 9, topP: 1, 100_000), p, "k = 9");
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_of_the_most_likely_whose_mass_reaches_p()
    {
        // Exact binary fractions, so the boundary is exact: 0.5 + 0.25 = 0.75 reaches p = 0.75 with two tokens.
        double[] p = { 0.125, 0.5, 0.125, 0.25 };
        AssertFrequencies(Counts(p, 1, 0, topP: 0.75, 100_000), new[] { 0, 2 / 3.0, 0, 1 / 3.0 }, "p = 0.75");
        // Just above: a third token is needed; the tie between 0 and 2 goes to the lower index.
        AssertFrequencies(Counts(p, 1, 0, topP: 0.7500001, 100_000), new[] { 0.125 / 0.875, 0.5 / 0.875, 0, 0.25 / 0.875 }, "p just above 0.75");
        // The best token alone reaches p = 0.5; any p ≤ 0.5 keeps only it.
        AssertFrequencies(Counts(p, 1, 0, topP: 0.5, 2_000), new[] { 0, 1.0, 0, 0 }, "p = 0.5");
        AssertFrequencies(Counts(p, 1, 0, topP: 1e-9, 2_000), new[] { 0, 1.0, 0, 0 }, "p tiny");
    }

    [Fact]
    public void Top_p_applies_to_the_tempered_distribution_after_top_k()
    {
        double[] p = { 0.125, 0.5, 0.125, 0.25 };
        // τ = 2: weights ∝ √p = 0.354, 0.707, 0.354, 0.5 (sum 1.914); the best alone is 0.369 < 0.5, so p = 0.5 keeps two.
        double a = Math.Sqrt(0.5), b = Math.Sqrt(0.25);
        AssertFrequencies(Counts(p, 2, 0, topP: 0.5, 100_000), new[] { 0, a / (a + b), 0, b / (a + b) }, "τ = 2, p = 0.5");
        // τ = 0.5: weights ∝ p² = 0.0156, 0.25, 0.0156, 0.0625; the best alone is 0.727 ≥ 0.7.
        AssertFrequencies(Counts(p, 0.5, 0, topP: 0.7, 2_000), new[] { 0, 1.0, 0, 0 }, "τ = 0.5, p = 0.7");
        // Top-k first, then top-p of what is left, renormalized: k = 3 keeps {1, 3, 0} (mass 0.875; the tie with 2 goes to the
        // lower index). The two best hold 0.75/0.875 = 0.857 of that, so p = 0.8 keeps two; a nucleus taken over the whole
        // distribution (0.75 < 0.8) would keep three.
        AssertFrequencies(Counts(p, 1, 3, topP: 0.8, 100_000), new[] { 0, 2 / 3.0, 0, 1 / 3.0 }, "k = 3, p = 0.8");
        // Temperature 0 is the most likely token whatever the filters.
        AssertFrequencies(Counts(p, 0, 3, topP: 0.8, 100), new[] { 0, 1.0, 0, 0 }, "τ = 0");
    }

    [Fact]
    public void Without_filters_the_draws_are_those_of_the_three_argument_overload()
    {
        double[] p = { 0.1, 0.2, 0.3, 0.4 };
        var r1 = new Xoshiro256StarStar(3);
        var r2 = new Xoshiro256StarStar(3);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(Sampling.Sample<double>(p, 0.7, r1), Sampling.Sample<double>(p, 0.7, r2, topK: 0, topP: 1));
    }

    [Fact]
    public void Top_k_ties_go_to_the_lower_index()
    {
        double[] p = { 0.1, 0.3, 0.3, 0.3 };
        AssertFrequencies(Counts(p, 1, topK: 1, topP: 1, 500), new[] { 0, 1.0, 0, 0 }, "k = 1");
        AssertFrequencies(Counts(p, 1, topK: 2, topP: 1, 100_000), new[] { 0, 0.5, 0.5, 0 }, "k = 2");
    }

    [Fact]
    public void Rows_that_cannot_be_drawn_from_and_bad_filters_throw()
    {
        var random = new Xoshiro256StarStar(1);
        foreach (double[] bad in new[] { new double[] { 0, 0, 0 }, new[] { 0.5, double.NaN }, new[] { 0.5, double.PositiveInfinity }, new[] { 0.5, -0.1, 0.6 }, Array.Empty<double>() })
        {
            Assert.Equal("probabilities", Assert.ThrowsAny<ArgumentException>(() => Sampling.ArgMax<double>(bad)).ParamName);
            Assert.Equal("probabilities", Assert.ThrowsAny<ArgumentException>(() => Sampling.Sample<double>(bad, 1, random)).ParamName);
            Assert.Equal("probabilities", Assert.ThrowsAny<ArgumentException>(() => Sampling.Sample<double>(bad, 1, random, 2, 0.9)).ParamName);
        }
        double[] p = { 0.5, 0.5 };
        Assert.Equal("topK", Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.Sample<double>(p, 1, random, -1, 1)).ParamName);
        foreach (double topP in new[] { 0, -0.5, 1.5, double.NaN })
            Assert.Equal("topP", Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.Sample<double>(p, 1, random, 0, topP)).ParamName);
        Assert.Equal("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.Sample<double>(p, double.NaN, random, 1, 1)).ParamName);
        Assert.Equal("order", Assert.Throws<ArgumentException>(() => Sampling.Sample<double>(p, 1, random, 1, 1, new int[1], new double[2])).ParamName);
        Assert.Equal("keys", Assert.Throws<ArgumentException>(() => Sampling.Sample<double>(p, 1, random, 1, 1, new int[2], new double[1])).ParamName);
    }

    [Fact]
    public void Filtered_draws_allocate_nothing_on_the_stack_path_and_the_pooled_one()
    {
        var random = new Xoshiro256StarStar(5);
        foreach (int n in new[] { 10, 5000 })
        {
            float[] p = Enumerable.Range(1, n).Select(j => (float)j).ToArray();
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => Sampling.Sample<float>(p, 0.9f, random, 5, 0.9f)));
            // The large row still draws from the top five only.
            for (int i = 0; i < 200; i++) Assert.True(Sampling.Sample<float>(p, 0.9f, random, 5, 1f) >= n - 5);
        }
    }
}
