using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>
/// Pointwise part of one LSTM step for a batch, PyTorch gate order i, f, g, o. The matrix products that produce
/// the pre-activations (<c>x·W_ihᵀ + b_ih + b_hh + h·W_hhᵀ</c>) are done by the caller with <see cref="Gemm"/>.
/// </summary>
/// <remarks>
/// In single precision each row is one fused pass over the four gate blocks with <see cref="VectorMath"/>'s sigmoid and
/// tanh, at the widest SIMD width (<see cref="SimdPath"/>), narrower registers and then single lanes finishing the row.
/// In double precision (gradient checks) the math is the exact scalar <c>T.Tanh</c>/<c>T.Exp</c>.
/// </remarks>
public static class LstmCell
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
        if (typeof(T) == typeof(float))
        {
            ref float g = ref SpanRef.Float(gates), cp = ref SpanRef.Float(cPrev), cc = ref SpanRef.Float(c), hh = ref SpanRef.Float(h);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: ForwardRows<Simd512>(ref g, ref cp, ref cc, ref hh, ldh, batch, hidden); break;
                case SimdWidth.Vector256: ForwardRows<Simd256>(ref g, ref cp, ref cc, ref hh, ldh, batch, hidden); break;
                default: ForwardRows<Simd1>(ref g, ref cp, ref cc, ref hh, ldh, batch, hidden); break;
            }
            return;
        }

        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g4, g4);
            ReadOnlySpan<T> cpr = cPrev.Slice(b * hidden, hidden);
            Span<T> cr = c.Slice(b * hidden, hidden);
            Span<T> hr = h.Slice(b * ldh, hidden);
            for (int j = 0; j < hidden; j++)
            {
                T i = Activations.Sigmoid(gr[j]);
                T f = Activations.Sigmoid(gr[hidden + j]);
                T g = T.Tanh(gr[2 * hidden + j]);
                T o = Activations.Sigmoid(gr[3 * hidden + j]);
                gr[j] = i; gr[hidden + j] = f; gr[2 * hidden + j] = g; gr[3 * hidden + j] = o;
                T cj = f * cpr[j] + i * g;
                cr[j] = cj;
                hr[j] = o * T.Tanh(cj);
            }
        }
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
        if (typeof(T) == typeof(float))
        {
            ref float g = ref SpanRef.Float(gates), cp = ref SpanRef.Float(cPrev), cc = ref SpanRef.Float(c);
            ref float d = ref SpanRef.Float(dh), dcc = ref SpanRef.Float(dc);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: BackwardRows<Simd512>(ref g, ref cp, ref cc, ref d, lddh, ref dcc, batch, hidden); break;
                case SimdWidth.Vector256: BackwardRows<Simd256>(ref g, ref cp, ref cc, ref d, lddh, ref dcc, batch, hidden); break;
                default: BackwardRows<Simd1>(ref g, ref cp, ref cc, ref d, lddh, ref dcc, batch, hidden); break;
            }
            return;
        }

        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g4, g4);
            ReadOnlySpan<T> cp = cPrev.Slice(b * hidden, hidden);
            ReadOnlySpan<T> cr = c.Slice(b * hidden, hidden);
            ReadOnlySpan<T> dhr = dh.Slice(b * lddh, hidden);
            Span<T> dcr = dc.Slice(b * hidden, hidden);
            for (int j = 0; j < hidden; j++)
            {
                T i = gr[j], f = gr[hidden + j], g = gr[2 * hidden + j], o = gr[3 * hidden + j];
                T tc = T.Tanh(cr[j]);
                T dcj = dcr[j] + dhr[j] * o * (T.One - tc * tc);
                gr[j] = dcj * g * i * (T.One - i);
                gr[hidden + j] = dcj * cp[j] * f * (T.One - f);
                gr[2 * hidden + j] = dcj * i * (T.One - g * g);
                gr[3 * hidden + j] = dhr[j] * tc * o * (T.One - o);
                dcr[j] = dcj * f;
            }
        }
    }

    private static void ForwardRows<TV>(ref float gates, ref float cPrev, ref float c, ref float h, int ldh, int batch, int hidden)
        where TV : struct, ISimdFloat<TV>
    {
        for (int b = 0; b < batch; b++)
        {
            ref float gr = ref Unsafe.Add(ref gates, (nint)b * 4 * hidden);
            ref float cp = ref Unsafe.Add(ref cPrev, (nint)b * hidden);
            ref float cr = ref Unsafe.Add(ref c, (nint)b * hidden);
            ref float hr = ref Unsafe.Add(ref h, (nint)b * ldh);
            // Full registers, then one narrower register and single lanes for the rest of the row.
            int j = ForwardLanes<TV>(ref gr, ref cp, ref cr, ref hr, hidden, 0);
            if (TV.Count > Simd256.Count) j = ForwardLanes<Simd256>(ref gr, ref cp, ref cr, ref hr, hidden, j);
            if (TV.Count > Simd1.Count) ForwardLanes<Simd1>(ref gr, ref cp, ref cr, ref hr, hidden, j);
        }
    }

    /// <summary>Columns <c>[j, …)</c> of one row, <typeparamref name="TV"/>-wide; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int ForwardLanes<TV>(ref float gates, ref float cPrev, ref float c, ref float h, int hidden, int j)
        where TV : struct, ISimdFloat<TV>
    {
        ref float gi = ref gates;
        ref float gf = ref Unsafe.Add(ref gates, hidden);
        ref float gg = ref Unsafe.Add(ref gates, 2 * hidden);
        ref float go = ref Unsafe.Add(ref gates, 3 * hidden);
        for (; j <= hidden - TV.Count; j += TV.Count)
        {
            nuint k = (nuint)j;
            TV i = VectorMath.Sigmoid(TV.Load(ref gi, k));
            TV f = VectorMath.Sigmoid(TV.Load(ref gf, k));
            TV g = VectorMath.Tanh(TV.Load(ref gg, k));
            TV o = VectorMath.Sigmoid(TV.Load(ref go, k));
            TV.Store(i, ref gi, k);
            TV.Store(f, ref gf, k);
            TV.Store(g, ref gg, k);
            TV.Store(o, ref go, k);
            // c = f⊙c_prev + i⊙g (c_prev is read before c is written, so the two may be the same buffer); h = o⊙tanh(c).
            TV ct = TV.MultiplyAdd(f, TV.Load(ref cPrev, k), i * g);
            TV.Store(ct, ref c, k);
            TV.Store(o * VectorMath.Tanh(ct), ref h, k);
        }
        return j;
    }

    private static void BackwardRows<TV>(ref float gates, ref float cPrev, ref float c, ref float dh, int lddh, ref float dc, int batch, int hidden)
        where TV : struct, ISimdFloat<TV>
    {
        for (int b = 0; b < batch; b++)
        {
            ref float gr = ref Unsafe.Add(ref gates, (nint)b * 4 * hidden);
            ref float cp = ref Unsafe.Add(ref cPrev, (nint)b * hidden);
            ref float cr = ref Unsafe.Add(ref c, (nint)b * hidden);
            ref float dhr = ref Unsafe.Add(ref dh, (nint)b * lddh);
            ref float dcr = ref Unsafe.Add(ref dc, (nint)b * hidden);
            int j = BackwardLanes<TV>(ref gr, ref cp, ref cr, ref dhr, ref dcr, hidden, 0);
            if (TV.Count > Simd256.Count) j = BackwardLanes<Simd256>(ref gr, ref cp, ref cr, ref dhr, ref dcr, hidden, j);
            if (TV.Count > Simd1.Count) BackwardLanes<Simd1>(ref gr, ref cp, ref cr, ref dhr, ref dcr, hidden, j);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int BackwardLanes<TV>(ref float gates, ref float cPrev, ref float c, ref float dh, ref float dc, int hidden, int j)
        where TV : struct, ISimdFloat<TV>
    {
        ref float gi = ref gates;
        ref float gf = ref Unsafe.Add(ref gates, hidden);
        ref float gg = ref Unsafe.Add(ref gates, 2 * hidden);
        ref float go = ref Unsafe.Add(ref gates, 3 * hidden);
        TV one = TV.Create(1f);
        for (; j <= hidden - TV.Count; j += TV.Count)
        {
            nuint k = (nuint)j;
            TV i = TV.Load(ref gi, k), f = TV.Load(ref gf, k), g = TV.Load(ref gg, k), o = TV.Load(ref go, k);
            TV d = TV.Load(ref dh, k);
            TV tc = VectorMath.Tanh(TV.Load(ref c, k));
            // dc += dh⊙o⊙(1−τ²)
            TV dct = TV.MultiplyAdd(d * o, one - tc * tc, TV.Load(ref dc, k));
            TV.Store(dct * g * (i * (one - i)), ref gi, k);                      // di = dc⊙g⊙i(1−i)
            TV.Store(dct * TV.Load(ref cPrev, k) * (f * (one - f)), ref gf, k);  // df = dc⊙c_prev⊙f(1−f)
            TV.Store(dct * i * (one - g * g), ref gg, k);                        // dg = dc⊙i⊙(1−g²)
            TV.Store(d * tc * (o * (one - o)), ref go, k);                       // do = dh⊙τ⊙o(1−o)
            TV.Store(dct * f, ref dc, k);                                        // dc_prev = dc⊙f
        }
        return j;
    }
}
