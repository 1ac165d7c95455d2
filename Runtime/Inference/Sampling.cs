using System.Buffers;
using System.Numerics;
using RnnGen.Randomness;

namespace RnnGen.Inference;

/// <summary>
/// Choosing a token from a distribution: the most likely one, or a draw at a temperature, optionally restricted to the
/// <c>topK</c> most likely tokens and to the nucleus of mass <c>topP</c> (Holtzman et al., 2020), in that order, as
/// Hugging Face's <c>generate</c> applies them (temperature, then top-k, then top-p over what is left).
/// </summary>
public static class Sampling
{
    /// <summary>Vocabularies up to this size sort their candidates on the stack; larger ones rent from the shared array pool.</summary>
    private const int StackLimit = 2048;

    /// <summary>Index of the largest probability (the first one on ties).</summary>
    /// <exception cref="ArgumentException">The row is empty, has a negative or non-finite entry, or is all zero.</exception>
    public static int ArgMax<T>(ReadOnlySpan<T> probabilities) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRow(probabilities);
        int best = 0;
        for (int j = 1; j < probabilities.Length; j++)
            if (probabilities[j] > probabilities[best]) best = j;
        return best;
    }

    /// <summary>
    /// Draws an index with probability ∝ p_j^(1/temperature); temperature 0 gives <see cref="ArgMax"/>. The weights are
    /// computed as exp((log p_j − log p_max)/temperature), so a low temperature never underflows every weight to zero.
    /// </summary>
    /// <exception cref="ArgumentException">The row is empty, has a negative or non-finite entry, or is all zero; or the temperature is negative or NaN.</exception>
    public static int Sample<T>(ReadOnlySpan<T> probabilities, T temperature, Xoshiro256StarStar random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckTemperature(temperature);
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

    /// <summary>
    /// Draws an index as <see cref="Sample{T}(ReadOnlySpan{T}, T, Xoshiro256StarStar)"/> does, from the candidates left after
    /// two filters of the tempered weights w_j ∝ p_j^(1/temperature): the <paramref name="topK"/> largest (0: all; ties
    /// broken toward the lower index), then, of those, the smallest set of the largest whose weights sum to at least
    /// <paramref name="topP"/> of theirs (1: all). <c>topK = 0, topP = 1</c> is exactly the three-argument overload
    /// (the same draws from the same generator state). Allocates nothing: the candidates are sorted on the stack up to
    /// 2,048 entries, in a pooled array above (or pass <c>scratch</c> to the overload that takes one).
    /// </summary>
    /// <exception cref="ArgumentException">As the three-argument overload; or <paramref name="topK"/> is negative, or
    /// <paramref name="topP"/> is not in (0, 1].</exception>
    public static int Sample<T>(ReadOnlySpan<T> probabilities, T temperature, Xoshiro256StarStar random, int topK, T topP) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckFilters(topK, topP);
        if (!Filters(probabilities.Length, topK, topP)) return Sample(probabilities, temperature, random);
        int n = probabilities.Length;
        if (n <= StackLimit)
        {
            Span<int> order = stackalloc int[n];
            Span<double> keys = stackalloc double[n];
            return Sample(probabilities, temperature, random, topK, topP, order, keys);
        }
        int[] rentedOrder = ArrayPool<int>.Shared.Rent(n);
        double[] rentedKeys = ArrayPool<double>.Shared.Rent(n);
        try
        {
            return Sample(probabilities, temperature, random, topK, topP, rentedOrder.AsSpan(0, n), rentedKeys.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rentedKeys);
            ArrayPool<int>.Shared.Return(rentedOrder);
        }
    }

    /// <summary>
    /// <see cref="Sample{T}(ReadOnlySpan{T}, T, Xoshiro256StarStar, int, T)"/> with caller-provided scratch of at least
    /// <c>probabilities.Length</c> entries each (its contents are overwritten).
    /// </summary>
    public static int Sample<T>(ReadOnlySpan<T> probabilities, T temperature, Xoshiro256StarStar random, int topK, T topP, Span<int> order, Span<double> keys)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckTemperature(temperature);
        CheckFilters(topK, topP);
        int best = ArgMax(probabilities);
        int n = probabilities.Length;
        if (!Filters(n, topK, topP)) return Sample(probabilities, temperature, random);
        if (order.Length < n) throw new ArgumentException($"The scratch must hold {n} entries (the distribution's length); it holds {order.Length}.", nameof(order));
        if (keys.Length < n) throw new ArgumentException($"The scratch must hold {n} entries (the distribution's length); it holds {keys.Length}.", nameof(keys));
        if (temperature == T.Zero) return best;

        // Candidates sorted by tempered weight, largest first (p^(1/τ) keeps p's order, so the keys are the weights).
        double max = double.CreateTruncating(probabilities[best]);
        double inverse = 1 / double.CreateTruncating(temperature), logMax = Math.Log(max);
        order = order[..n];
        keys = keys[..n];
        int candidates = 0;
        for (int j = 0; j < n; j++)
        {
            // At temperature 1 the weight is p_j/p_max exactly, so a nucleus boundary given in exact fractions is met exactly.
            double w = inverse == 1 ? double.CreateTruncating(probabilities[j]) / max : Weight(probabilities[j], logMax, inverse);
            if (w <= 0) continue; // p_j = 0 (or a weight that underflowed): never drawn
            keys[candidates] = -w;
            order[candidates++] = j;
        }
        keys = keys[..candidates];
        order = order[..candidates];
        keys.Sort(order);
        // Equal weights: lower index first, so the filters below cut ties deterministically.
        for (int start = 0; start < candidates;)
        {
            int end = start + 1;
            while (end < candidates && keys[end] == keys[start]) end++;
            if (end - start > 1) order[start..end].Sort();
            start = end;
        }

        int kept = topK > 0 ? Math.Min(topK, candidates) : candidates;
        double total = 0;
        for (int i = 0; i < kept; i++) total -= keys[i];
        if (topP < T.One)
        {
            // The smallest prefix whose mass reaches topP of the top-k mass (at least one candidate).
            double target = double.CreateTruncating(topP) * total, mass = 0;
            int prefix = 0;
            while (prefix < kept)
            {
                mass -= keys[prefix++];
                if (mass >= target) break;
            }
            kept = prefix;
            total = mass;
        }
        double u = random.NextDouble() * total;
        for (int i = 0; i < kept; i++)
        {
            u += keys[i];
            if (u < 0) return order[i];
        }
        return order[0];
    }

    /// <summary>Whether top-k or top-p removes anything that could be drawn.</summary>
    private static bool Filters<T>(int n, int topK, T topP) where T : unmanaged, IFloatingPointIeee754<T>
        => (topK > 0 && topK < n) || topP < T.One;

    private static void CheckTemperature<T>(T temperature) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(temperature >= T.Zero)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be at least 0.");
    }

    private static void CheckFilters<T>(int topK, T topP) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (topK < 0) throw new ArgumentOutOfRangeException(nameof(topK), topK, "topK must be 0 (no limit) or positive.");
        if (!(topP > T.Zero && topP <= T.One)) throw new ArgumentOutOfRangeException(nameof(topP), topP, "topP must lie in (0, 1] (1: no nucleus filter).");
    }

    /// <summary>A probability row must be non-empty, finite, non-negative and not all zero: anything else cannot be drawn from.</summary>
    private static void CheckRow<T>(ReadOnlySpan<T> probabilities) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (probabilities.IsEmpty) throw new ArgumentException("The distribution is empty.", nameof(probabilities));
        bool positive = false;
        for (int j = 0; j < probabilities.Length; j++)
        {
            T p = probabilities[j];
            if (!T.IsFinite(p) || p < T.Zero)
                throw new ArgumentException($"Probability {j} is {p}: every entry must be finite and at least 0.", nameof(probabilities));
            positive |= p > T.Zero;
        }
        if (!positive) throw new ArgumentException("Every probability is 0: there is nothing to draw.", nameof(probabilities));
    }

    private static double Weight<T>(T p, double logMax, double inverse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v = double.CreateTruncating(p);
        return v > 0 ? Math.Exp((Math.Log(v) - logMax) * inverse) : 0;
    }
}
