using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>
/// Pointwise part of one GRU step for a batch, PyTorch gate order r, z, n:
/// <c>r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)</c>, <c>z = σ(…)</c>, <c>n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))</c>,
/// <c>h' = (1−z)⊙n + z⊙h</c>. The reset gate multiplies the recurrent part of n only, so the recurrent product
/// <c>h·W_hhᵀ</c> arrives separately from the input projection.
/// </summary>
/// <remarks>
/// In single precision each row is one fused SIMD pass (<see cref="SimdPath"/>, <see cref="VectorMath"/>); in double
/// precision (gradient checks) the math is the exact scalar <c>T.Tanh</c>/<c>T.Exp</c>.
/// </remarks>
public static class GruCell
{
    /// <summary>
    /// <paramref name="gates"/> <c>[batch, 3H]</c> holds <c>x·W_ihᵀ + b_ih</c> (+ <c>b_hh</c> in the r and z blocks) and receives (r, z, n);
    /// <paramref name="recurrent"/> <c>[batch, 3H]</c> holds <c>h_prev·W_hhᵀ</c>; <paramref name="biasHn"/> is <c>b_hn</c>;
    /// <paramref name="hn"/> <c>[batch, H]</c> receives <c>h_prev·W_hnᵀ + b_hn</c>, which backward needs for <c>dr</c>.
    /// </summary>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> recurrent, ReadOnlySpan<T> biasHn, Span<T> hn,
        ReadOnlySpan<T> hPrev, int ldPrev, Span<T> h, int ldh, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(gates.Length, batch, 3L * hidden, 3L * hidden, nameof(gates));
        Shape.Rows(recurrent.Length, batch, 3L * hidden, 3L * hidden, nameof(recurrent));
        Shape.Count(biasHn.Length, batch == 0 ? 0 : hidden, nameof(biasHn));
        Shape.Rows(hn.Length, batch, hidden, hidden, nameof(hn));
        Shape.Rows(hPrev.Length, batch, hidden, ldPrev, nameof(hPrev));
        Shape.Rows(h.Length, batch, hidden, ldh, nameof(h));
        if (typeof(T) == typeof(float))
        {
            ref float g = ref SpanRef.Float(gates), rec = ref SpanRef.Float(recurrent), bias = ref SpanRef.Float(biasHn);
            ref float n = ref SpanRef.Float(hn), hp = ref SpanRef.Float(hPrev), hh = ref SpanRef.Float(h);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: ForwardRows<Simd512>(ref g, ref rec, ref bias, ref n, ref hp, ldPrev, ref hh, ldh, batch, hidden); break;
                case SimdWidth.Vector256: ForwardRows<Simd256>(ref g, ref rec, ref bias, ref n, ref hp, ldPrev, ref hh, ldh, batch, hidden); break;
                default: ForwardRows<Simd1>(ref g, ref rec, ref bias, ref n, ref hp, ldPrev, ref hh, ldh, batch, hidden); break;
            }
            return;
        }

        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g3, g3);
            ReadOnlySpan<T> rr = recurrent.Slice(b * g3, g3);
            Span<T> hnr = hn.Slice(b * hidden, hidden);
            ReadOnlySpan<T> hp = hPrev.Slice(b * ldPrev, hidden);
            Span<T> hr = h.Slice(b * ldh, hidden);
            for (int j = 0; j < hidden; j++)
            {
                T r = Activations.Sigmoid(gr[j] + rr[j]);
                T z = Activations.Sigmoid(gr[hidden + j] + rr[hidden + j]);
                T hnj = rr[2 * hidden + j] + biasHn[j];
                T n = T.Tanh(gr[2 * hidden + j] + r * hnj);
                gr[j] = r; gr[hidden + j] = z; gr[2 * hidden + j] = n;
                hnr[j] = hnj;
                hr[j] = (T.One - z) * n + z * hp[j];
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>. On return <paramref name="gates"/> holds the recurrent-side pre-activation gradients
    /// <c>[dr, dz, dn⊙r]</c> — contiguous, so <c>dh_prev += gates·W_hh</c> is one product per step and <c>dW_hh</c> one product
    /// per layer — and <paramref name="hn"/> the input side of the n block, <c>dn</c>; so the input-side gradient is
    /// <c>[dr, dz, dn]</c>, split between the two. <c>dh⊙z</c> is added to <paramref name="dhPrev"/> when it is not empty.
    /// </summary>
    /// <remarks>
    /// <c>dn = dh⊙(1−z)⊙(1−n²)</c>; <c>dz = dh⊙(h_prev − n)⊙z(1−z)</c>; <c>dr = dn⊙hn⊙r(1−r)</c>; <c>dh_prev += dh⊙z</c>.
    /// </remarks>
    public static void Backward<T>(Span<T> gates, Span<T> hn, ReadOnlySpan<T> hPrev, int ldPrev,
        ReadOnlySpan<T> dh, int lddh, Span<T> dhPrev, int ldDhPrev, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(gates.Length, batch, 3L * hidden, 3L * hidden, nameof(gates));
        Shape.Rows(hn.Length, batch, hidden, hidden, nameof(hn));
        Shape.Rows(hPrev.Length, batch, hidden, ldPrev, nameof(hPrev));
        Shape.Rows(dh.Length, batch, hidden, lddh, nameof(dh));
        bool toPrevious = !dhPrev.IsEmpty;
        if (toPrevious) Shape.Rows(dhPrev.Length, batch, hidden, ldDhPrev, nameof(dhPrev));
        if (typeof(T) == typeof(float))
        {
            ref float g = ref SpanRef.Float(gates), n = ref SpanRef.Float(hn), hp = ref SpanRef.Float(hPrev);
            ref float d = ref SpanRef.Float(dh), dp = ref SpanRef.Float(dhPrev);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: BackwardRows<Simd512>(ref g, ref n, ref hp, ldPrev, ref d, lddh, ref dp, ldDhPrev, toPrevious, batch, hidden); break;
                case SimdWidth.Vector256: BackwardRows<Simd256>(ref g, ref n, ref hp, ldPrev, ref d, lddh, ref dp, ldDhPrev, toPrevious, batch, hidden); break;
                default: BackwardRows<Simd1>(ref g, ref n, ref hp, ldPrev, ref d, lddh, ref dp, ldDhPrev, toPrevious, batch, hidden); break;
            }
            return;
        }

        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g3, g3);
            Span<T> hnr = hn.Slice(b * hidden, hidden);
            ReadOnlySpan<T> hp = hPrev.Slice(b * ldPrev, hidden);
            ReadOnlySpan<T> dhr = dh.Slice(b * lddh, hidden);
            Span<T> dhp = toPrevious ? dhPrev.Slice(b * ldDhPrev, hidden) : default;
            for (int j = 0; j < hidden; j++)
            {
                T r = gr[j], z = gr[hidden + j], n = gr[2 * hidden + j];
                T d = dhr[j];
                T dn = d * (T.One - z) * (T.One - n * n);
                T dz = d * (hp[j] - n) * z * (T.One - z);
                T dr = dn * hnr[j] * r * (T.One - r);
                gr[j] = dr; gr[hidden + j] = dz; gr[2 * hidden + j] = dn * r;
                hnr[j] = dn;
                if (toPrevious) dhp[j] += d * z;
            }
        }
    }

    private static void ForwardRows<TV>(ref float gates, ref float recurrent, ref float biasHn, ref float hn,
        ref float hPrev, int ldPrev, ref float h, int ldh, int batch, int hidden)
        where TV : struct, ISimdFloat<TV>
    {
        for (int b = 0; b < batch; b++)
        {
            ref float gr = ref Unsafe.Add(ref gates, (nint)b * 3 * hidden);
            ref float rr = ref Unsafe.Add(ref recurrent, (nint)b * 3 * hidden);
            ref float hnr = ref Unsafe.Add(ref hn, (nint)b * hidden);
            ref float hp = ref Unsafe.Add(ref hPrev, (nint)b * ldPrev);
            ref float hr = ref Unsafe.Add(ref h, (nint)b * ldh);
            // Full registers, then one narrower register and single lanes for the rest of the row.
            int j = ForwardLanes<TV>(ref gr, ref rr, ref biasHn, ref hnr, ref hp, ref hr, hidden, 0);
            if (TV.Count > Simd256.Count) j = ForwardLanes<Simd256>(ref gr, ref rr, ref biasHn, ref hnr, ref hp, ref hr, hidden, j);
            if (TV.Count > Simd1.Count) ForwardLanes<Simd1>(ref gr, ref rr, ref biasHn, ref hnr, ref hp, ref hr, hidden, j);
        }
    }

    /// <summary>Columns <c>[j, …)</c> of one row, <typeparamref name="TV"/>-wide; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int ForwardLanes<TV>(ref float gates, ref float recurrent, ref float biasHn, ref float hn, ref float hPrev, ref float h, int hidden, int j)
        where TV : struct, ISimdFloat<TV>
    {
        ref float gr = ref gates, gz = ref Unsafe.Add(ref gates, hidden), gn = ref Unsafe.Add(ref gates, 2 * hidden);
        ref float rr = ref recurrent, rz = ref Unsafe.Add(ref recurrent, hidden), rn = ref Unsafe.Add(ref recurrent, 2 * hidden);
        for (; j <= hidden - TV.Count; j += TV.Count)
        {
            nuint k = (nuint)j;
            TV r = VectorMath.Sigmoid(TV.Load(ref gr, k) + TV.Load(ref rr, k));
            TV z = VectorMath.Sigmoid(TV.Load(ref gz, k) + TV.Load(ref rz, k));
            TV hnj = TV.Load(ref rn, k) + TV.Load(ref biasHn, k);                 // W_hn h + b_hn
            TV n = VectorMath.Tanh(TV.MultiplyAdd(r, hnj, TV.Load(ref gn, k)));  // tanh(W_in x + b_in + r⊙(W_hn h + b_hn))
            TV.Store(r, ref gr, k);
            TV.Store(z, ref gz, k);
            TV.Store(n, ref gn, k);
            TV.Store(hnj, ref hn, k);
            // h' = (1−z)⊙n + z⊙h_prev, evaluated as n + z⊙(h_prev − n): one FMA, and exact at z = 0 and z = 1.
            TV.Store(TV.MultiplyAdd(z, TV.Load(ref hPrev, k) - n, n), ref h, k);
        }
        return j;
    }

    private static void BackwardRows<TV>(ref float gates, ref float hn, ref float hPrev, int ldPrev, ref float dh, int lddh,
        ref float dhPrev, int ldDhPrev, bool toPrevious, int batch, int hidden)
        where TV : struct, ISimdFloat<TV>
    {
        for (int b = 0; b < batch; b++)
        {
            ref float gr = ref Unsafe.Add(ref gates, (nint)b * 3 * hidden);
            ref float hnr = ref Unsafe.Add(ref hn, (nint)b * hidden);
            ref float hp = ref Unsafe.Add(ref hPrev, (nint)b * ldPrev);
            ref float dhr = ref Unsafe.Add(ref dh, (nint)b * lddh);
            // Without a previous step dhPrev is empty and never touched: its row reference stays the (unused) start.
            ref float dp = ref toPrevious ? ref Unsafe.Add(ref dhPrev, (nint)b * ldDhPrev) : ref dhPrev;
            int j = BackwardLanes<TV>(ref gr, ref hnr, ref hp, ref dhr, ref dp, toPrevious, hidden, 0);
            if (TV.Count > Simd256.Count) j = BackwardLanes<Simd256>(ref gr, ref hnr, ref hp, ref dhr, ref dp, toPrevious, hidden, j);
            if (TV.Count > Simd1.Count) BackwardLanes<Simd1>(ref gr, ref hnr, ref hp, ref dhr, ref dp, toPrevious, hidden, j);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int BackwardLanes<TV>(ref float gates, ref float hn, ref float hPrev, ref float dh, ref float dhPrev, bool toPrevious, int hidden, int j)
        where TV : struct, ISimdFloat<TV>
    {
        ref float gr = ref gates, gz = ref Unsafe.Add(ref gates, hidden), gn = ref Unsafe.Add(ref gates, 2 * hidden);
        TV one = TV.Create(1f);
        for (; j <= hidden - TV.Count; j += TV.Count)
        {
            nuint k = (nuint)j;
            TV r = TV.Load(ref gr, k), z = TV.Load(ref gz, k), n = TV.Load(ref gn, k);
            TV d = TV.Load(ref dh, k);
            TV dn = d * (one - z) * (one - n * n);                       // dn = dh⊙(1−z)⊙(1−n²)
            TV dz = d * (TV.Load(ref hPrev, k) - n) * (z * (one - z));   // dz = dh⊙(h_prev − n)⊙z(1−z)
            TV dr = dn * TV.Load(ref hn, k) * (r * (one - r));           // dr = dn⊙hn⊙r(1−r)
            TV.Store(dr, ref gr, k);
            TV.Store(dz, ref gz, k);
            TV.Store(dn * r, ref gn, k);                                 // recurrent side of n: dn⊙r
            TV.Store(dn, ref hn, k);                                     // input side of n: dn
            if (toPrevious) TV.Store(TV.MultiplyAdd(d, z, TV.Load(ref dhPrev, k)), ref dhPrev, k); // dh_prev += dh⊙z
        }
        return j;
    }
}
