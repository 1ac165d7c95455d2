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
/// Each row is one fused pass, written once over the register type and run at the path's width by <see cref="Simd"/>;
/// sigmoid and tanh are <see cref="VectorMath{TOps, TVec, T}"/>'s (polynomials in single precision, the exact scalar functions lane by
/// lane in double precision).
/// </remarks>
public static unsafe class GruCell
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
        fixed (T* g = gates, rec = recurrent, bias = biasHn, n = hn, hp = hPrev, hh = h)
            Simd.Rows<ForwardOperator<T>, T>(new(g, rec, bias, n, hp, ldPrev, hh, ldh, hidden), batch, hidden);
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
        // Without a previous step dhPrev is empty (a null pointer) and never touched.
        fixed (T* g = gates, n = hn, hp = hPrev, d = dh, dp = dhPrev)
            Simd.Rows<BackwardOperator<T>, T>(new(g, n, hp, ldPrev, d, lddh, toPrevious ? dp : null, ldDhPrev, hidden), batch, hidden);
    }

    private readonly struct ForwardOperator<T>(T* gates, T* recurrent, T* biasHn, T* hn, T* hPrev, int ldPrev, T* h, int ldh, int hidden)
        : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _gates = gates, _recurrent = recurrent, _biasHn = biasHn, _hn = hn, _hPrev = hPrev, _h = h;
        private readonly nint _ldPrev = ldPrev, _ldh = ldh, _hidden = hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            nint hd = _hidden;
            T* gr = _gates + row * 3 * hd + j, gz = gr + hd, gn = gz + hd;
            T* rr = _recurrent + row * 3 * hd + j, rz = rr + hd, rn = rz + hd;
            TVec r = VectorMath<TOps, TVec, T>.Sigmoid(TOps.Add(TOps.Load(gr), TOps.Load(rr)));
            TVec z = VectorMath<TOps, TVec, T>.Sigmoid(TOps.Add(TOps.Load(gz), TOps.Load(rz)));
            TVec hnj = TOps.Add(TOps.Load(rn), TOps.Load(_biasHn + j));                              // W_hn h + b_hn
            TVec n = VectorMath<TOps, TVec, T>.Tanh(TOps.MultiplyAdd(r, hnj, TOps.Load(gn)));       // tanh(W_in x + b_in + r⊙(W_hn h + b_hn))
            TOps.Store(r, gr);
            TOps.Store(z, gz);
            TOps.Store(n, gn);
            TOps.Store(hnj, _hn + row * hd + j);
            // h' = (1−z)⊙n + z⊙h_prev, evaluated as n + z⊙(h_prev − n): one FMA, and exact at z = 0 and z = 1.
            TOps.Store(TOps.MultiplyAdd(z, TOps.Subtract(TOps.Load(_hPrev + row * _ldPrev + j), n), n), _h + row * _ldh + j);
        }
    }

    private readonly struct BackwardOperator<T>(T* gates, T* hn, T* hPrev, int ldPrev, T* dh, int lddh, T* dhPrev, int ldDhPrev, int hidden)
        : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _gates = gates, _hn = hn, _hPrev = hPrev, _dh = dh, _dhPrev = dhPrev;
        private readonly nint _ldPrev = ldPrev, _lddh = lddh, _ldDhPrev = ldDhPrev, _hidden = hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            nint hd = _hidden;
            T* gr = _gates + row * 3 * hd + j, gz = gr + hd, gn = gz + hd;
            T* hnr = _hn + row * hd + j;
            TVec one = TOps.Create(T.One);
            TVec r = TOps.Load(gr), z = TOps.Load(gz), n = TOps.Load(gn);
            TVec d = TOps.Load(_dh + row * _lddh + j);
            // dn = dh⊙(1−z)⊙(1−n²)
            TVec dn = TOps.Multiply(TOps.Multiply(d, TOps.Subtract(one, z)), TOps.Subtract(one, TOps.Multiply(n, n)));
            // dz = dh⊙(h_prev − n)⊙z(1−z)
            TVec dz = TOps.Multiply(TOps.Multiply(d, TOps.Subtract(TOps.Load(_hPrev + row * _ldPrev + j), n)), TOps.Multiply(z, TOps.Subtract(one, z)));
            // dr = dn⊙hn⊙r(1−r)
            TVec dr = TOps.Multiply(TOps.Multiply(dn, TOps.Load(hnr)), TOps.Multiply(r, TOps.Subtract(one, r)));
            TOps.Store(dr, gr);
            TOps.Store(dz, gz);
            TOps.Store(TOps.Multiply(dn, r), gn);   // recurrent side of n: dn⊙r
            TOps.Store(dn, hnr);                    // input side of n: dn
            if (_dhPrev != null)
            {
                T* dp = _dhPrev + row * _ldDhPrev + j;
                TOps.Store(TOps.MultiplyAdd(d, z, TOps.Load(dp)), dp); // dh_prev += dh⊙z
            }
        }
    }
}
