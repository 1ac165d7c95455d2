using System.Numerics;

namespace RnnGen;

/// <summary>Gradient clipping, as PyTorch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c>.</summary>
public static class GradientClipping
{
    /// <summary>The Euclidean norm <c>‖g‖₂</c> of all gradients, accumulated in double precision.</summary>
    public static T GlobalNorm<T>(ReadOnlySpan<T> gradients) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int i = 0; i < gradients.Length; i++) { double g = double.CreateTruncating(gradients[i]); sum += g * g; }
        return T.CreateTruncating(Math.Sqrt(sum));
    }

    /// <summary>
    /// Scales all gradients by <c>maxNorm / ‖g‖₂</c> when the norm exceeds <paramref name="maxNorm"/>; returns the norm before clipping
    /// (non-finite if any gradient is, in which case nothing is scaled).
    /// </summary>
    public static T ClipByGlobalNorm<T>(Span<T> gradients, T maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxNorm > T.Zero)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be positive.");
        T norm = GlobalNorm<T>(gradients);
        if (T.IsFinite(norm) && norm > maxNorm)
        {
            // PyTorch adds 1e-6 to the norm in the denominator; the same keeps results comparable.
            T scale = maxNorm / (norm + T.CreateTruncating(1e-6));
            for (int i = 0; i < gradients.Length; i++) gradients[i] *= scale;
        }
        return norm;
    }

    /// <summary>Clamps every gradient to <c>[−maxValue, maxValue]</c>.</summary>
    public static void ClipByValue<T>(Span<T> gradients, T maxValue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxValue > T.Zero)) throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "The clip value must be positive.");
        for (int i = 0; i < gradients.Length; i++) gradients[i] = T.Clamp(gradients[i], -maxValue, maxValue);
    }
}
