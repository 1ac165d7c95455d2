using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>Pointwise part of a vanilla RNN step: <c>h = act(pre)</c> with act = tanh or relu, in place.</summary>
/// <remarks>Written once over the register type and run at the path's width by <see cref="Simd"/>; tanh is
/// <see cref="VectorMath{TOps, TVec, T}.Tanh"/> (a polynomial in single precision, the exact <c>T.Tanh</c> in double).</remarks>
public static unsafe class RnnCell
{
    /// <summary>Replaces the pre-activations <c>x·W_ihᵀ + b_ih + b_hh + h_prev·W_hhᵀ</c> in <paramref name="h"/> by <c>h = act(pre)</c>.</summary>
    public static void Forward<T>(Span<T> h, int ldh, int batch, int hidden, Nonlinearity nonlinearity)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(h.Length, batch, hidden, ldh, nameof(h));
        fixed (T* hh = h) Simd.Rows<ForwardOperator<T>, T>(new(hh, ldh, nonlinearity == Nonlinearity.Tanh), batch, hidden);
    }

    /// <summary>
    /// Turns <c>dL/dh</c> in <paramref name="dh"/> into <c>dL/dpre</c> in place, from the outputs <paramref name="h"/>:
    /// <c>dpre = dh⊙(1−h²)</c> for tanh, <c>dh⊙[h &gt; 0]</c> for relu.
    /// </summary>
    public static void Backward<T>(Span<T> dh, int lddh, ReadOnlySpan<T> h, int ldh, int batch, int hidden, Nonlinearity nonlinearity)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(dh.Length, batch, hidden, lddh, nameof(dh));
        Shape.Rows(h.Length, batch, hidden, ldh, nameof(h));
        fixed (T* d = dh, hh = h) Simd.Rows<BackwardOperator<T>, T>(new(d, lddh, hh, ldh, nonlinearity == Nonlinearity.Tanh), batch, hidden);
    }

    private readonly struct ForwardOperator<T>(T* h, nint ldh, bool tanh) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            T* p = h + row * ldh + j;
            TVec x = TOps.Load(p);
            // relu: max(0, x) with x second, so NaN passes through as in T.Max.
            TOps.Store(tanh ? VectorMath<TOps, TVec, T>.Tanh(x) : TOps.Max(TOps.Zero, x), p);
        }
    }

    private readonly struct BackwardOperator<T>(T* dh, nint lddh, T* h, nint ldh, bool tanh) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            T* d = dh + row * lddh + j;
            TVec hk = TOps.Load(h + row * ldh + j), dk = TOps.Load(d);
            TOps.Store(tanh
                ? TOps.Multiply(dk, TOps.Subtract(TOps.Create(T.One), TOps.Multiply(hk, hk)))   // tanh' = 1 − h²
                : TOps.Select(TOps.GreaterThan(hk, TOps.Zero), dk, TOps.Zero), d);               // relu' = [h > 0]
        }
    }
}
