using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Losses;

/// <summary>Binary cross-entropy of a sigmoid head, computed from the logits as PyTorch's <c>BCEWithLogitsLoss</c>.</summary>
/// <remarks>Written once over the register type and run at the path's width by <see cref="Simd"/>, with
/// <see cref="VectorMath{TOps, TVec, T}"/>'s sigmoid and softplus.</remarks>
public static unsafe class BinaryCrossEntropy
{
    /// <summary><c>y = σ(z)</c> element-wise.</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> logits, Span<T> outputs, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(logits.Length, count, nameof(logits));
        Shape.Count(outputs.Length, count, nameof(outputs));
        fixed (T* z = logits, y = outputs) Simd.Elements<SigmoidOperator<T>, T>(new(z, y), count);
    }

    /// <summary>
    /// <c>scale · Σ −[t·log σ(z) + (1−t)·log(1−σ(z))]</c> written as <c>softplus(z) − t·z</c>, finite for every finite z.
    /// </summary>
    public static T Loss<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(logits.Length, count, nameof(logits));
        Shape.Count(targets.Length, count, nameof(targets));
        fixed (T* z = logits, t = targets) return Simd.Sum<LossOperator<T>, T>(new(z, t), count) * scale;
    }

    /// <summary><c>dz = scale · (σ(z) − t)</c>, from the sigmoid outputs.</summary>
    public static void Backward<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> dLogits, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
        => Elementwise.ScaledDifference(outputs, targets, dLogits, count, scale, nameof(outputs), nameof(targets), nameof(dLogits));

    /// <summary>
    /// <c>dz = g ⊙ y(1 − y)</c>: the gradient with respect to the logits of a loss whose gradient with respect to the
    /// sigmoid outputs <c>y = σ(z)</c> is <paramref name="outputGradient"/> (σ'(z) = y(1 − y)). <paramref name="dLogits"/>
    /// may be <paramref name="outputGradient"/>.
    /// </summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> outputGradient, Span<T> dLogits, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(outputs.Length, count, nameof(outputs));
        Shape.Count(outputGradient.Length, count, nameof(outputGradient));
        Shape.Count(dLogits.Length, count, nameof(dLogits));
        fixed (T* y = outputs, g = outputGradient, d = dLogits) Simd.Elements<SigmoidBackwardOperator<T>, T>(new(y, g, d), count);
    }

    /// <summary><c>d = (g·y)·(1 − y)</c>, rounded in that order on every path.</summary>
    private readonly struct SigmoidBackwardOperator<T>(T* y, T* g, T* d) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            TVec yj = TOps.Load(y + j);
            TOps.Store(TOps.Multiply(TOps.Multiply(TOps.Load(g + j), yj), TOps.Subtract(TOps.Create(T.One), yj)), d + j);
        }
    }

    private readonly struct SigmoidOperator<T>(T* z, T* y) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
            => TOps.Store(VectorMath<TOps, TVec, T>.Sigmoid(TOps.Load(z + j)), y + j);
    }

    private readonly struct LossOperator<T>(T* z, T* t) : ISumOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        TVec ISumOperator<T>.Invoke<TOps, TVec>(nuint j, TVec total)
        {
            TVec zj = TOps.Load(z + j);
            // softplus(z) − t·z
            return TOps.Add(total, TOps.MultiplyAdd(TOps.Negate(TOps.Load(t + j)), zj, VectorMath<TOps, TVec, T>.Softplus(zj)));
        }
    }
}
