using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>Pointwise part of a vanilla RNN step: <c>h = act(pre)</c> with act = tanh or relu, in place.</summary>
/// <remarks>Written once over the register type and run at the path's width by <see cref="Simd"/>; tanh is
/// <see cref="VectorMath.Tanh{TOps, TVec, T}"/> (a polynomial in single precision, the exact <c>T.Tanh</c> in double).</remarks>
public static unsafe class RnnCell
{
    /// <summary>Replaces the pre-activations <c>x·W_ihᵀ + b_ih + b_hh + h_prev·W_hhᵀ</c> in <paramref name="h"/> by <c>h = act(pre)</c>.</summary>
    public static void Forward<T>(Span<T> h, int ldh, int batch, int hidden, Nonlinearity nonlinearity)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(h.Length, batch, hidden, ldh, nameof(h));
        fixed (T* hh = h)
        {
            if (nonlinearity == Nonlinearity.Tanh) Simd.Rows<TanhForward<T>, T>(new(hh, ldh), batch, hidden);
            else Simd.Rows<ReluForward<T>, T>(new(hh, ldh), batch, hidden);
        }
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
        fixed (T* d = dh, hh = h)
        {
            if (nonlinearity == Nonlinearity.Tanh) Simd.Rows<TanhBackward<T>, T>(new(d, lddh, hh, ldh), batch, hidden);
            else Simd.Rows<ReluBackward<T>, T>(new(d, lddh, hh, ldh), batch, hidden);
        }
    }

    private readonly struct TanhForward<T>(T* h, nint ldh) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TOps, TVec>(nint row, nuint j)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            T* p = h + row * ldh + j;
            TOps.Store(VectorMath.Tanh<TOps, TVec, T>(TOps.Load(p)), p);
        }
    }

    private readonly struct ReluForward<T>(T* h, nint ldh) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TOps, TVec>(nint row, nuint j)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            // max(0, x) with x second, so NaN passes through as in T.Max.
            T* p = h + row * ldh + j;
            TOps.Store(TOps.Max(TOps.Zero, TOps.Load(p)), p);
        }
    }

    private readonly struct TanhBackward<T>(T* dh, nint lddh, T* h, nint ldh) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TOps, TVec>(nint row, nuint j)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            T* d = dh + row * lddh + j;
            TVec hk = TOps.Load(h + row * ldh + j);
            TOps.Store(TOps.Multiply(TOps.Load(d), TOps.Subtract(TOps.Create(T.One), TOps.Multiply(hk, hk))), d); // tanh' = 1 − h²
        }
    }

    private readonly struct ReluBackward<T>(T* dh, nint lddh, T* h, nint ldh) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke<TOps, TVec>(nint row, nuint j)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            T* d = dh + row * lddh + j;
            TOps.Store(TOps.Select(TOps.GreaterThan(TOps.Load(h + row * ldh + j), TOps.Zero), TOps.Load(d), TOps.Zero), d); // relu' = [h > 0]
        }
    }
}
