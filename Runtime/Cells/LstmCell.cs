using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>
/// Pointwise part of one LSTM step for a batch, PyTorch gate order i, f, g, o. The matrix products that produce
/// the pre-activations (<c>x·W_ihᵀ + b_ih + b_hh + h·W_hhᵀ</c>) are done by the caller with <see cref="Gemm"/>.
/// </summary>
/// <remarks>
/// Each row is one fused pass over the four gate blocks, written once (<see cref="ForwardOperator{T}"/>,
/// <see cref="BackwardOperator{T}"/>) and run at the path's width by <see cref="Simd"/>, narrower registers and then single
/// lanes finishing the row. Sigmoid and tanh are <see cref="VectorMath{TOps, TVec, T}"/>'s: polynomials in single precision, the exact
/// scalar functions lane by lane in double precision (gradient checks).
/// </remarks>
public static unsafe class LstmCell
{
    /// <summary>
    /// <c>i,f,o = σ(·)</c>, <c>g = tanh(·)</c> of the pre-activations in <paramref name="gates"/> <c>[batch, 4H]</c>, written back in place
    /// (backward reads them); then <c>c = f⊙c_prev + i⊙g</c> and <c>h = o⊙tanh(c)</c>.
    /// </summary>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h, int ldh, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(gates.Length, batch, 4L * hidden, 4L * hidden, nameof(gates));
        Shape.Rows(cPrev.Length, batch, hidden, hidden, nameof(cPrev));
        Shape.Rows(c.Length, batch, hidden, hidden, nameof(c));
        Shape.Rows(h.Length, batch, hidden, ldh, nameof(h));
        fixed (T* g = gates, cp = cPrev, cc = c, hh = h)
            Simd.Rows<ForwardOperator<T>, T>(new(g, cp, cc, hh, ldh, hidden), batch, hidden);
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>. Reads the gate activations in <paramref name="gates"/> and overwrites them with the
    /// pre-activation gradients (<c>di, df, dg, do</c>, which the caller multiplies into the weights).
    /// <paramref name="dh"/> is <c>dL/dh</c> of this step; <paramref name="dc"/> holds <c>dL/dc</c> flowing back from the next
    /// step on entry and <c>dL/dc_prev</c> on return.
    /// </summary>
    /// <remarks>
    /// With <c>τ = tanh(c)</c>: <c>do = dh⊙τ⊙o(1−o)</c>; <c>dc += dh⊙o⊙(1−τ²)</c>; <c>di = dc⊙g⊙i(1−i)</c>;
    /// <c>df = dc⊙c_prev⊙f(1−f)</c>; <c>dg = dc⊙i⊙(1−g²)</c>; <c>dc_prev = dc⊙f</c>.
    /// </remarks>
    public static void Backward<T>(Span<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c, ReadOnlySpan<T> dh, int lddh, Span<T> dc, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(gates.Length, batch, 4L * hidden, 4L * hidden, nameof(gates));
        Shape.Rows(cPrev.Length, batch, hidden, hidden, nameof(cPrev));
        Shape.Rows(c.Length, batch, hidden, hidden, nameof(c));
        Shape.Rows(dh.Length, batch, hidden, lddh, nameof(dh));
        Shape.Rows(dc.Length, batch, hidden, hidden, nameof(dc));
        fixed (T* g = gates, cp = cPrev, cc = c, d = dh, dcc = dc)
            Simd.Rows<BackwardOperator<T>, T>(new(g, cp, cc, d, lddh, dcc, hidden), batch, hidden);
    }

    private readonly struct ForwardOperator<T>(T* gates, T* cPrev, T* c, T* h, int ldh, int hidden) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _gates = gates, _cPrev = cPrev, _c = c, _h = h;
        private readonly nint _ldh = ldh, _hidden = hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            nint hd = _hidden;
            T* gi = _gates + row * 4 * hd + j, gf = gi + hd, gg = gf + hd, go = gg + hd;
            T* cp = _cPrev + row * hd + j, cr = _c + row * hd + j;
            TVec i = VectorMath<TOps, TVec, T>.Sigmoid(TOps.Load(gi));
            TVec f = VectorMath<TOps, TVec, T>.Sigmoid(TOps.Load(gf));
            TVec g = VectorMath<TOps, TVec, T>.Tanh(TOps.Load(gg));
            TVec o = VectorMath<TOps, TVec, T>.Sigmoid(TOps.Load(go));
            TOps.Store(i, gi);
            TOps.Store(f, gf);
            TOps.Store(g, gg);
            TOps.Store(o, go);
            // c = f⊙c_prev + i⊙g (c_prev is read before c is written, so the two may be the same buffer); h = o⊙tanh(c).
            TVec ct = TOps.MultiplyAdd(f, TOps.Load(cp), TOps.Multiply(i, g));
            TOps.Store(ct, cr);
            TOps.Store(TOps.Multiply(o, VectorMath<TOps, TVec, T>.Tanh(ct)), _h + row * _ldh + j);
        }
    }

    private readonly struct BackwardOperator<T>(T* gates, T* cPrev, T* c, T* dh, int lddh, T* dc, int hidden) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _gates = gates, _cPrev = cPrev, _c = c, _dh = dh, _dc = dc;
        private readonly nint _lddh = lddh, _hidden = hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            nint hd = _hidden;
            T* gi = _gates + row * 4 * hd + j, gf = gi + hd, gg = gf + hd, go = gg + hd;
            T* dcr = _dc + row * hd + j;
            TVec one = TOps.Create(T.One);
            TVec i = TOps.Load(gi), f = TOps.Load(gf), g = TOps.Load(gg), o = TOps.Load(go);
            TVec d = TOps.Load(_dh + row * _lddh + j);
            TVec tc = VectorMath<TOps, TVec, T>.Tanh(TOps.Load(_c + row * hd + j));
            // dc += dh⊙o⊙(1−τ²)
            TVec dct = TOps.MultiplyAdd(TOps.Multiply(d, o), TOps.Subtract(one, TOps.Multiply(tc, tc)), TOps.Load(dcr));
            // di = dc⊙g⊙i(1−i)
            TOps.Store(TOps.Multiply(TOps.Multiply(dct, g), TOps.Multiply(i, TOps.Subtract(one, i))), gi);
            // df = dc⊙c_prev⊙f(1−f)
            TOps.Store(TOps.Multiply(TOps.Multiply(dct, TOps.Load(_cPrev + row * hd + j)), TOps.Multiply(f, TOps.Subtract(one, f))), gf);
            // dg = dc⊙i⊙(1−g²)
            TOps.Store(TOps.Multiply(TOps.Multiply(dct, i), TOps.Subtract(one, TOps.Multiply(g, g))), gg);
            // do = dh⊙τ⊙o(1−o)
            TOps.Store(TOps.Multiply(TOps.Multiply(d, tc), TOps.Multiply(o, TOps.Subtract(one, o))), go);
            // dc_prev = dc⊙f
            TOps.Store(TOps.Multiply(dct, f), dcr);
        }
    }
}
