using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Losses;

/// <summary>Squared-error loss of a linear head: <c>scale · Σ (y − t)²</c>.</summary>
/// <remarks>Written once over the register type and run at the path's width by <see cref="Simd"/>.</remarks>
public static unsafe class SquaredError
{
    /// <summary><c>scale · Σ_i (y_i − t_i)²</c> over the first <paramref name="count"/> values.</summary>
    public static T Loss<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(outputs.Length, count, nameof(outputs));
        Shape.Count(targets.Length, count, nameof(targets));
        fixed (T* y = outputs, t = targets) return Simd.Sum<LossOperator<T>, T>(new(y, t), count) * scale;
    }

    /// <summary><c>dy = 2·scale·(y − t)</c>.</summary>
    public static void Backward<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> dOutputs, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
        => Elementwise.ScaledDifference(outputs, targets, dOutputs, count, (T.One + T.One) * scale, nameof(outputs), nameof(targets), nameof(dOutputs));

    private readonly struct LossOperator<T>(T* y, T* t) : ISumOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        TVec ISumOperator<T>.Invoke<TOps, TVec>(nuint j, TVec total)
        {
            TVec d = TOps.Subtract(TOps.Load(y + j), TOps.Load(t + j));
            return TOps.MultiplyAdd(d, d, total);
        }
    }
}
