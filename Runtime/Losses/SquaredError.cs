using System.Numerics;

namespace RnnGen.Losses;

/// <summary>Squared-error loss of a linear head: <c>scale · Σ (y − t)²</c>.</summary>
public static class SquaredError
{
    /// <summary><c>scale · Σ_i (y_i − t_i)²</c> over the first <paramref name="count"/> values.</summary>
    public static T Loss<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < count; i++) { T d = outputs[i] - targets[i]; total += d * d; }
        return total * scale;
    }

    /// <summary><c>dy = 2·scale·(y − t)</c>.</summary>
    public static void Backward<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> dOutputs, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = (T.One + T.One) * scale;
        for (int i = 0; i < count; i++) dOutputs[i] = s * (outputs[i] - targets[i]);
    }
}
