using System.Numerics;
using RnnGen.Kernels;

namespace RnnGen.Losses;

/// <summary>Binary cross-entropy of a sigmoid head, computed from the logits as PyTorch's <c>BCEWithLogitsLoss</c>.</summary>
public static class BinaryCrossEntropy
{
    /// <summary><c>y = σ(z)</c> element-wise.</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> logits, Span<T> outputs, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < count; i++) outputs[i] = Activations.Sigmoid(logits[i]);
    }

    /// <summary>
    /// <c>scale · Σ −[t·log σ(z) + (1−t)·log(1−σ(z))]</c> written as <c>softplus(z) − t·z</c>, finite for every finite z.
    /// </summary>
    public static T Loss<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < count; i++) total += Activations.Softplus(logits[i]) - targets[i] * logits[i];
        return total * scale;
    }

    /// <summary><c>dz = scale · (σ(z) − t)</c>, from the sigmoid outputs.</summary>
    public static void Backward<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> dLogits, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < count; i++) dLogits[i] = scale * (outputs[i] - targets[i]);
    }
}
