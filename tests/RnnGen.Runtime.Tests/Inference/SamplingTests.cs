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
}
