using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>Pointwise part of a vanilla RNN step: <c>h = act(pre)</c> with act = tanh or relu, in place.</summary>
/// <remarks>Single precision runs SIMD (<see cref="SimdPath"/>, <see cref="VectorMath"/>); double precision the exact scalar <c>T.Tanh</c>.</remarks>
public static class RnnCell
{
    /// <summary>Replaces the pre-activations <c>x·W_ihᵀ + b_ih + b_hh + h_prev·W_hhᵀ</c> in <paramref name="h"/> by <c>h = act(pre)</c>.</summary>
    public static void Forward<T>(Span<T> h, int ldh, int batch, int hidden, Nonlinearity nonlinearity)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(h.Length, batch, hidden, ldh, nameof(h));
        bool tanh = nonlinearity == Nonlinearity.Tanh;
        if (typeof(T) == typeof(float))
        {
            ref float hh = ref SpanRef.Float(h);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: ForwardRows<Simd512>(ref hh, ldh, batch, hidden, tanh); break;
                case SimdWidth.Vector256: ForwardRows<Simd256>(ref hh, ldh, batch, hidden, tanh); break;
                default: ForwardRows<Simd1>(ref hh, ldh, batch, hidden, tanh); break;
            }
            return;
        }

        for (int b = 0; b < batch; b++)
        {
            Span<T> hr = h.Slice(b * ldh, hidden);
            if (tanh)
                for (int j = 0; j < hidden; j++) hr[j] = T.Tanh(hr[j]);
            else
                for (int j = 0; j < hidden; j++) hr[j] = T.Max(hr[j], T.Zero);
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
        bool tanh = nonlinearity == Nonlinearity.Tanh;
        if (typeof(T) == typeof(float))
        {
            ref float d = ref SpanRef.Float(dh), hh = ref SpanRef.Float(h);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: BackwardRows<Simd512>(ref d, lddh, ref hh, ldh, batch, hidden, tanh); break;
                case SimdWidth.Vector256: BackwardRows<Simd256>(ref d, lddh, ref hh, ldh, batch, hidden, tanh); break;
                default: BackwardRows<Simd1>(ref d, lddh, ref hh, ldh, batch, hidden, tanh); break;
            }
            return;
        }

        for (int b = 0; b < batch; b++)
        {
            Span<T> d = dh.Slice(b * lddh, hidden);
            ReadOnlySpan<T> hr = h.Slice(b * ldh, hidden);
            if (tanh)
                for (int j = 0; j < hidden; j++) d[j] *= T.One - hr[j] * hr[j];
            else
                for (int j = 0; j < hidden; j++) d[j] = hr[j] > T.Zero ? d[j] : T.Zero;
        }
    }

    private static void ForwardRows<TV>(ref float h, int ldh, int batch, int hidden, bool tanh) where TV : struct, ISimdFloat<TV>
    {
        for (int b = 0; b < batch; b++)
        {
            ref float hr = ref Unsafe.Add(ref h, (nint)b * ldh);
            int j = ForwardLanes<TV>(ref hr, hidden, tanh, 0);
            if (TV.Count > Simd256.Count) j = ForwardLanes<Simd256>(ref hr, hidden, tanh, j);
            if (TV.Count > Simd1.Count) ForwardLanes<Simd1>(ref hr, hidden, tanh, j);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int ForwardLanes<TV>(ref float h, int hidden, bool tanh, int j) where TV : struct, ISimdFloat<TV>
    {
        if (tanh)
        {
            for (; j <= hidden - TV.Count; j += TV.Count) TV.Store(VectorMath.Tanh(TV.Load(ref h, (nuint)j)), ref h, (nuint)j);
        }
        else
        {
            // relu: max(0, x) with x second, so NaN passes through as in T.Max.
            TV zero = TV.Create(0f);
            for (; j <= hidden - TV.Count; j += TV.Count) TV.Store(TV.Max(zero, TV.Load(ref h, (nuint)j)), ref h, (nuint)j);
        }
        return j;
    }

    private static void BackwardRows<TV>(ref float dh, int lddh, ref float h, int ldh, int batch, int hidden, bool tanh) where TV : struct, ISimdFloat<TV>
    {
        for (int b = 0; b < batch; b++)
        {
            ref float dr = ref Unsafe.Add(ref dh, (nint)b * lddh);
            ref float hr = ref Unsafe.Add(ref h, (nint)b * ldh);
            int j = BackwardLanes<TV>(ref dr, ref hr, hidden, tanh, 0);
            if (TV.Count > Simd256.Count) j = BackwardLanes<Simd256>(ref dr, ref hr, hidden, tanh, j);
            if (TV.Count > Simd1.Count) BackwardLanes<Simd1>(ref dr, ref hr, hidden, tanh, j);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int BackwardLanes<TV>(ref float dh, ref float h, int hidden, bool tanh, int j) where TV : struct, ISimdFloat<TV>
    {
        TV one = TV.Create(1f), zero = TV.Create(0f);
        if (tanh)
        {
            for (; j <= hidden - TV.Count; j += TV.Count)
            {
                nuint k = (nuint)j;
                TV hk = TV.Load(ref h, k);
                TV.Store(TV.Load(ref dh, k) * (one - hk * hk), ref dh, k); // tanh' = 1 − h²
            }
        }
        else
        {
            for (; j <= hidden - TV.Count; j += TV.Count)
            {
                nuint k = (nuint)j;
                TV.Store(TV.Select(TV.GreaterThan(TV.Load(ref h, k), zero), TV.Load(ref dh, k), zero), ref dh, k); // relu' = [h > 0]
            }
        }
        return j;
    }
}
