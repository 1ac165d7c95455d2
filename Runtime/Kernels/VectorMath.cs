using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Vectorized exp, sigmoid, tanh and softplus, written once over <see cref="ISimdOps{TVec, T}"/>.
/// </summary>
/// <remarks>
/// Single precision evaluates polynomials. Accuracy against double-precision <see cref="Math"/>: exp within 1 ulp over the
/// normal range, sigmoid and tanh within 3e-7 relative (sigmoid absolute below 1.2e-38, where it is subnormal); every
/// finite input (up to ±3.4e38) gives a finite result with the right limit (exp: ∞ and 0), and NaN stays NaN. Double
/// precision (used for gradient checks, which difference values 1e-6 apart) evaluates each lane with the exact scalar
/// functions of <see cref="Activations"/> and <see cref="Math"/>.
/// </remarks>
/// <typeparam name="TOps">The register width's operations.</typeparam>
/// <typeparam name="TVec">The register type.</typeparam>
/// <typeparam name="T">The element type.</typeparam>
internal static class VectorMath<TOps, TVec, T>
    where TOps : struct, ISimdOps<TVec, T>
    where TVec : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // e^x overflows above ln(2^128) ≈ 88.72 and is below the smallest subnormal 2^−149 under −103.28. Clamping to this
    // range changes no result but keeps n = round(x/ln2) within [−150, 129], where ScaleB is exact.
    private const float ExpLow = -104f, ExpHigh = 89f;
    private const float Log2E = 1.44269504088896341f;

    // ln 2 split so n·Ln2High is exact for |n| < 2^15 (Ln2High has 9 significant bits): r = x − n·ln2 loses nothing (Cody–Waite).
    private const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;

    /// <summary>
    /// <c>eˣ = 2ⁿ·eʳ</c> with <c>n = round(x/ln2)</c> and <c>r = x − n·ln2 ∈ [−ln2/2, ln2/2]</c>; <c>eʳ</c> from Cephes'
    /// degree-7 minimax polynomial <c>1 + r + r²·P(r)</c> (Moshier, Cephes <c>expf</c>). 1 ulp; ∞ above 88.72, 0 below −103.3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp(TVec x)
    {
        if (typeof(T) != typeof(float)) return TOps.PerLane<ExpLane>(x);
        x = TOps.Min(C(ExpHigh), TOps.Max(C(ExpLow), x));
        TVec n = TOps.Round(TOps.Multiply(x, C(Log2E)));
        TVec r = TOps.MultiplyAdd(n, C(-Ln2High), x);
        r = TOps.MultiplyAdd(n, C(-Ln2Low), r);
        TVec p = C(1.9875691500e-4f);
        p = TOps.MultiplyAdd(p, r, C(1.3981999507e-3f));
        p = TOps.MultiplyAdd(p, r, C(8.3334519073e-3f));
        p = TOps.MultiplyAdd(p, r, C(4.1665795894e-2f));
        p = TOps.MultiplyAdd(p, r, C(1.6666665459e-1f));
        p = TOps.MultiplyAdd(p, r, C(5.0000001201e-1f));
        p = TOps.Add(TOps.MultiplyAdd(p, TOps.Multiply(r, r), r), C(1f));
        return TOps.ScaleB(p, n);
    }

    /// <summary>
    /// <c>σ(x) = 1/(1 + e^−x)</c>. For x → −∞, e^−x overflows to ∞ and σ to 0 (below x = −88.7, where σ &lt; 3e-39); for
    /// x → +∞, e^−x underflows to 0 and σ to 1; no NaN in between. Relative error of e^−x plus one division wherever σ
    /// is a normal float, also where it is tiny (no cancellation, unlike 0.5 + 0.5·tanh(x/2)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid(TVec x)
    {
        if (typeof(T) != typeof(float)) return TOps.PerLane<SigmoidLane>(x);
        TVec one = TOps.Create(T.One);
        return TOps.Divide(one, TOps.Add(one, Exp(TOps.Negate(x))));
    }

    /// <summary>
    /// tanh as the [13/6] rational minimax approximation <c>x·P(x²)/Q(x²)</c> of Eigen's <c>generic_fast_tanh_float</c>,
    /// on x clamped to ±7.9988 (where, with FMA, the approximation reaches exactly ±1 in float). Relative error ≤ 3e-7
    /// over the whole line, also near 0 where P(0)/Q(0) = 0.99999987: the ratio P/Q is formed first and multiplied by x
    /// last, so tiny and subnormal x keep their digits (Eigen instead returns x below 4e-4, at the cost of a compare and
    /// a blend per call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh(TVec x)
    {
        if (typeof(T) != typeof(float)) return TOps.PerLane<TanhLane>(x);
        const float Clamp = 7.99881172180175781f;
        TVec xc = TOps.Max(C(-Clamp), TOps.Min(C(Clamp), x));
        TVec x2 = TOps.Multiply(xc, xc);
        TVec p = C(-2.76076847742355e-16f);
        p = TOps.MultiplyAdd(p, x2, C(2.00018790482477e-13f));
        p = TOps.MultiplyAdd(p, x2, C(-8.60467152213735e-11f));
        p = TOps.MultiplyAdd(p, x2, C(5.12229709037114e-08f));
        p = TOps.MultiplyAdd(p, x2, C(1.48572235717979e-05f));
        p = TOps.MultiplyAdd(p, x2, C(6.37261928875436e-04f));
        p = TOps.MultiplyAdd(p, x2, C(4.89352455891786e-03f));
        TVec q = C(1.19825839466702e-06f);
        q = TOps.MultiplyAdd(q, x2, C(1.18534705686654e-04f));
        q = TOps.MultiplyAdd(q, x2, C(2.26843463243900e-03f));
        q = TOps.MultiplyAdd(q, x2, C(4.89352518554385e-03f));
        return TOps.Multiply(xc, TOps.Divide(p, q));
    }

    /// <summary>
    /// <c>softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|)</c>: the exponential is at most 1, so nothing overflows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Softplus(TVec x)
    {
        if (typeof(T) != typeof(float)) return TOps.PerLane<SoftplusLane>(x);
        return TOps.Add(TOps.Max(TOps.Zero, x), LogOnePlus(Exp(TOps.Negate(TOps.Abs(x)))));
    }

    /// <summary>
    /// <c>log(1 + u)</c> for u ≥ 0, accurate also where 1 + u rounds to 1: with <c>w = 1 + u</c> (rounded),
    /// <c>log1p(u) = log(w)·u/(w − 1)</c> (Goldberg, "What every computer scientist should know about floating-point
    /// arithmetic", 1991, Theorem 4), and <c>u</c> itself where w = 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogOnePlus(TVec u)
    {
        TVec one = TOps.Create(T.One);
        TVec w = TOps.Add(one, u);
        return TOps.Select(TOps.Equal(w, one), u, TOps.Multiply(TOps.Log(w), TOps.Divide(u, TOps.Subtract(w, one))));
    }

    /// <summary>A single-precision constant in every lane (the polynomials run in single precision only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec C(float value)
        => TOps.Create(T.CreateTruncating(value));

    private readonly struct ExpLane : ILaneFunction<T>
    {
        public static T Invoke(T x) => T.Exp(x);
    }

    private readonly struct SigmoidLane : ILaneFunction<T>
    {
        public static T Invoke(T x) => Activations.Sigmoid(x);
    }

    private readonly struct TanhLane : ILaneFunction<T>
    {
        public static T Invoke(T x) => T.Tanh(x);
    }

    private readonly struct SoftplusLane : ILaneFunction<T>
    {
        public static T Invoke(T x) => Activations.Softplus(x);
    }
}
