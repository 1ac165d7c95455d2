using System.Numerics;

namespace RnnGen.Randomness;

/// <summary>Parameter initializers with PyTorch's distributions. Values are drawn in double and rounded, so a float and a double model with the same seed start from the same numbers.</summary>
public static class ParameterInit
{
    /// <summary>Each value from U(−bound, bound): <c>nn.LSTM/GRU/RNN</c> use bound = 1/√H, <c>nn.Linear</c> bound = 1/√in.</summary>
    public static void Uniform<T>(Span<T> values, double bound, Xoshiro256StarStar random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(random.NextUniform(-bound, bound));
    }

    /// <summary>Each value from N(0, 1), as <c>nn.Embedding</c>.</summary>
    public static void Normal<T>(Span<T> values, Xoshiro256StarStar random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(random.NextGaussian());
    }
}
