using System.Numerics;
using RnnGen.Randomness;

namespace RnnGen.Inference;

/// <summary>Choosing a token from a distribution: the most likely one, or a draw at a temperature.</summary>
public static class Sampling
{
    /// <summary>Index of the largest probability (the first one on ties).</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> probabilities) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (probabilities.IsEmpty) throw new ArgumentException("The distribution is empty.", nameof(probabilities));
        int best = 0;
        for (int j = 1; j < probabilities.Length; j++)
            if (probabilities[j] > probabilities[best]) best = j;
        return best;
    }

    /// <summary>
    /// Draws an index with probability ∝ p_j^(1/temperature); temperature 0 gives <see cref="ArgMax"/>. The weights are
    /// computed as exp((log p_j − log p_max)/temperature), so a low temperature never underflows every weight to zero.
    /// </summary>
    public static int Sample<T>(ReadOnlySpan<T> probabilities, T temperature, Xoshiro256StarStar random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(temperature >= T.Zero)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be at least 0.");
        int best = ArgMax(probabilities);
        if (temperature == T.Zero) return best;
        double inverse = 1 / double.CreateTruncating(temperature), logMax = Math.Log(double.CreateTruncating(probabilities[best]));
        double sum = 0;
        for (int j = 0; j < probabilities.Length; j++) sum += Weight(probabilities[j], logMax, inverse);
        double u = random.NextDouble() * sum;
        for (int j = 0; j < probabilities.Length; j++)
        {
            u -= Weight(probabilities[j], logMax, inverse);
            if (u < 0) return j;
        }
        return best;
    }

    private static double Weight<T>(T p, double logMax, double inverse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v = double.CreateTruncating(p);
        return v > 0 ? Math.Exp((Math.Log(v) - logMax) * inverse) : 0;
    }
}
