using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>
/// Pointwise part of a leaky RNN step: <c>u = f(pre)</c> with f = tanh or relu, then
/// <c>h = (1 − α)⊙h_prev + α⊙u</c>, with a constant leak α in (0, 1] or a learned one per unit, <c>α = σ(a)</c>.
/// </summary>
/// <remarks>
/// Unlike <see cref="RnnCell"/> the output is not a function of the pre-activation alone, so <c>u</c> is kept (in
/// place of the pre-activations) for backward. Written once over the register type and run at the path's width by
/// <see cref="Simd"/>; tanh and σ are <see cref="VectorMath{TOps, TVec, T}"/>'s.
/// </remarks>
public static unsafe class LeakyRnnCell
{
    /// <summary>
    /// Replaces the pre-activations <c>x·W_ihᵀ + b_ih + b_hh + h_prev·W_hhᵀ</c> in <paramref name="u"/> <c>[batch, H]</c>
    /// by <c>u = f(pre)</c> and writes <c>h = h_prev + α⊙(u − h_prev)</c> with the constant <paramref name="leak"/> α.
    /// <paramref name="h"/> may be <paramref name="hPrev"/> itself (each element reads only its own h_prev).
    /// </summary>
    public static void Forward<T>(Span<T> u, ReadOnlySpan<T> hPrev, int ldPrev, Span<T> h, int ldh, int batch, int hidden,
        Nonlinearity nonlinearity, T leak)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckForward(u, hPrev, ldPrev, h, ldh, batch, hidden);
        fixed (T* uu = u, hp = hPrev, hh = h)
            Simd.Rows<ForwardOperator<T>, T>(new(uu, hp, ldPrev, hh, ldh, hidden, nonlinearity == Nonlinearity.Tanh, leak, null), batch, hidden);
    }

    /// <summary>
    /// <see cref="Forward{T}(Span{T}, ReadOnlySpan{T}, int, Span{T}, int, int, int, Nonlinearity, T)"/> with a learned leak
    /// per unit: <c>α = σ(a)</c>, <paramref name="leakLogits"/> is <c>a</c> <c>[H]</c>.
    /// </summary>
    public static void Forward<T>(Span<T> u, ReadOnlySpan<T> hPrev, int ldPrev, Span<T> h, int ldh, int batch, int hidden,
        Nonlinearity nonlinearity, ReadOnlySpan<T> leakLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckForward(u, hPrev, ldPrev, h, ldh, batch, hidden);
        Shape.Count(leakLogits.Length, hidden, nameof(leakLogits));
        fixed (T* uu = u, hp = hPrev, hh = h, a = leakLogits)
            Simd.Rows<ForwardOperator<T>, T>(new(uu, hp, ldPrev, hh, ldh, hidden, nonlinearity == Nonlinearity.Tanh, T.One, a), batch, hidden);
    }

    /// <summary>
    /// Backward of the constant-leak <see cref="Forward{T}(Span{T}, ReadOnlySpan{T}, int, Span{T}, int, int, int, Nonlinearity, T)"/>:
    /// replaces <c>u</c> in <paramref name="u"/> by <c>dpre = dh⊙α⊙f'(pre)</c> (f' read from u: <c>1 − u²</c> for tanh,
    /// <c>[u &gt; 0]</c> for relu) and adds <c>dh⊙(1 − α)</c> to <paramref name="dhPrev"/> when it is not empty (the caller
    /// adds <c>dpre·W_hh</c>).
    /// </summary>
    public static void Backward<T>(Span<T> u, ReadOnlySpan<T> dh, int lddh, Span<T> dhPrev, int ldDhPrev, int batch, int hidden,
        Nonlinearity nonlinearity, T leak)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool toPrevious = CheckBackward(u, dh, lddh, dhPrev, ldDhPrev, batch, hidden);
        // Without a previous step dhPrev is empty (a null pointer) and never touched.
        fixed (T* uu = u, d = dh, dp = dhPrev)
            Simd.Rows<BackwardOperator<T>, T>(new(uu, null, 0, d, lddh, toPrevious ? dp : null, ldDhPrev, hidden,
                nonlinearity == Nonlinearity.Tanh, leak, null, null), batch, hidden);
    }

    /// <summary>
    /// Backward of the learned-leak <see cref="Forward{T}(Span{T}, ReadOnlySpan{T}, int, Span{T}, int, int, int, Nonlinearity, ReadOnlySpan{T})"/>:
    /// as the constant-leak backward with <c>α = σ(a)</c>, and adds <c>Σ_rows dh⊙(u − h_prev)⊙α(1 − α)</c>, dL/da, to
    /// <paramref name="leakGradient"/> <c>[H]</c>.
    /// </summary>
    public static void Backward<T>(Span<T> u, ReadOnlySpan<T> hPrev, int ldPrev, ReadOnlySpan<T> dh, int lddh, Span<T> dhPrev, int ldDhPrev,
        int batch, int hidden, Nonlinearity nonlinearity, ReadOnlySpan<T> leakLogits, Span<T> leakGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool toPrevious = CheckBackward(u, dh, lddh, dhPrev, ldDhPrev, batch, hidden);
        Shape.Rows(hPrev.Length, batch, hidden, ldPrev, nameof(hPrev));
        Shape.Count(leakLogits.Length, hidden, nameof(leakLogits));
        Shape.Count(leakGradient.Length, hidden, nameof(leakGradient));
        fixed (T* uu = u, hp = hPrev, d = dh, dp = dhPrev, a = leakLogits, da = leakGradient)
            Simd.Rows<BackwardOperator<T>, T>(new(uu, hp, ldPrev, d, lddh, toPrevious ? dp : null, ldDhPrev, hidden,
                nonlinearity == Nonlinearity.Tanh, T.One, a, da), batch, hidden);
    }

    private static void CheckForward<T>(Span<T> u, ReadOnlySpan<T> hPrev, int ldPrev, Span<T> h, int ldh, int batch, int hidden)
    {
        Shape.Rows(u.Length, batch, hidden, hidden, nameof(u));
        Shape.Rows(hPrev.Length, batch, hidden, ldPrev, nameof(hPrev));
        Shape.Rows(h.Length, batch, hidden, ldh, nameof(h));
    }

    private static bool CheckBackward<T>(Span<T> u, ReadOnlySpan<T> dh, int lddh, Span<T> dhPrev, int ldDhPrev, int batch, int hidden)
    {
        Shape.Rows(u.Length, batch, hidden, hidden, nameof(u));
        Shape.Rows(dh.Length, batch, hidden, lddh, nameof(dh));
        bool toPrevious = !dhPrev.IsEmpty;
        if (toPrevious) Shape.Rows(dhPrev.Length, batch, hidden, ldDhPrev, nameof(dhPrev));
        return toPrevious;
    }

    /// <summary>α for columns [j, j + Count): σ(a_j) when learned (<paramref name="a"/> not null), else the constant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Leak<TOps, TVec, T>(T* a, nuint j, T leak)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        => a != null ? VectorMath<TOps, TVec, T>.Sigmoid(TOps.Load(a + j)) : TOps.Create(leak);

    private readonly struct ForwardOperator<T>(T* u, T* hPrev, int ldPrev, T* h, int ldh, int hidden, bool tanh, T leak, T* leakLogits) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _u = u, _hPrev = hPrev, _h = h, _a = leakLogits;
        private readonly nint _ldPrev = ldPrev, _ldh = ldh, _hidden = hidden;
        private readonly bool _tanh = tanh;
        private readonly T _leak = leak;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            T* pu = _u + row * _hidden + j;
            TVec pre = TOps.Load(pu);
            // u = f(pre); relu as max(0, x) with x second, so NaN passes through as in T.Max.
            TVec uk = _tanh ? VectorMath<TOps, TVec, T>.Tanh(pre) : TOps.Max(TOps.Zero, pre);
            TOps.Store(uk, pu);
            TVec hp = TOps.Load(_hPrev + row * _ldPrev + j);
            // h = (1 − α)⊙h_prev + α⊙u, evaluated as h_prev + α⊙(u − h_prev): one FMA.
            TOps.Store(TOps.MultiplyAdd(Leak<TOps, TVec, T>(_a, j, _leak), TOps.Subtract(uk, hp), hp), _h + row * _ldh + j);
        }
    }

    private readonly struct BackwardOperator<T>(T* u, T* hPrev, int ldPrev, T* dh, int lddh, T* dhPrev, int ldDhPrev, int hidden,
        bool tanh, T leak, T* leakLogits, T* leakGradient) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _u = u, _hPrev = hPrev, _dh = dh, _dhPrev = dhPrev, _a = leakLogits, _da = leakGradient;
        private readonly nint _ldPrev = ldPrev, _lddh = lddh, _ldDhPrev = ldDhPrev, _hidden = hidden;
        private readonly bool _tanh = tanh;
        private readonly T _leak = leak;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            T* pu = _u + row * _hidden + j;
            TVec one = TOps.Create(T.One);
            TVec uk = TOps.Load(pu), d = TOps.Load(_dh + row * _lddh + j);
            TVec alpha = Leak<TOps, TVec, T>(_a, j, _leak);
            TVec dScaled = TOps.Multiply(d, alpha);
            // dpre = dh⊙α⊙f'(pre): tanh' = 1 − u², relu' = [u > 0].
            TOps.Store(_tanh
                ? TOps.Multiply(dScaled, TOps.Subtract(one, TOps.Multiply(uk, uk)))
                : TOps.Select(TOps.GreaterThan(uk, TOps.Zero), dScaled, TOps.Zero), pu);
            if (_dhPrev != null)
            {
                T* dp = _dhPrev + row * _ldDhPrev + j;
                TOps.Store(TOps.MultiplyAdd(d, TOps.Subtract(one, alpha), TOps.Load(dp)), dp); // dh_prev += dh⊙(1 − α)
            }
            if (_da != null)
            {
                // dL/da += dh⊙(u − h_prev)⊙α(1 − α), rows taken in order.
                TVec slope = TOps.Multiply(alpha, TOps.Subtract(one, alpha));
                TVec term = TOps.Multiply(TOps.Multiply(d, TOps.Subtract(uk, TOps.Load(_hPrev + row * _ldPrev + j))), slope);
                TOps.Store(TOps.Add(TOps.Load(_da + j), term), _da + j);
            }
        }
    }
}
