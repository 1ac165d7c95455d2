using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Vectorized single-precision exp, sigmoid, tanh and softplus, written once over <see cref="ISimdFloat{TSelf}"/>.
/// Accuracy against double-precision <see cref="Math"/>: exp within 1 ulp over the normal range, sigmoid and tanh within
/// 3e-7 relative (sigmoid absolute below 1.2e-38, where it is subnormal); every finite input (up to ±3.4e38) gives a
/// finite result with the right limit (exp: ∞ and 0), and NaN stays NaN.
/// </summary>
internal static class VectorMath
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
    public static TV Exp<TV>(TV x) where TV : struct, ISimdFloat<TV>
    {
        x = TV.Min(TV.Create(ExpHigh), TV.Max(TV.Create(ExpLow), x));
        TV n = TV.Round(x * TV.Create(Log2E));
        TV r = TV.MultiplyAdd(n, TV.Create(-Ln2High), x);
        r = TV.MultiplyAdd(n, TV.Create(-Ln2Low), r);
        TV p = TV.Create(1.9875691500e-4f);
        p = TV.MultiplyAdd(p, r, TV.Create(1.3981999507e-3f));
        p = TV.MultiplyAdd(p, r, TV.Create(8.3334519073e-3f));
        p = TV.MultiplyAdd(p, r, TV.Create(4.1665795894e-2f));
        p = TV.MultiplyAdd(p, r, TV.Create(1.6666665459e-1f));
        p = TV.MultiplyAdd(p, r, TV.Create(5.0000001201e-1f));
        p = TV.MultiplyAdd(p, r * r, r) + TV.Create(1f);
        return TV.ScaleB(p, n);
    }

    /// <summary>
    /// <c>σ(x) = 1/(1 + e^−x)</c>. For x → −∞, e^−x overflows to ∞ and σ to 0 (below x = −88.7, where σ &lt; 3e-39); for
    /// x → +∞, e^−x underflows to 0 and σ to 1; no NaN in between. Relative error of e^−x plus one division wherever σ
    /// is a normal float, also where it is tiny (no cancellation, unlike 0.5 + 0.5·tanh(x/2)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x) where TV : struct, ISimdFloat<TV>
    {
        TV one = TV.Create(1f);
        return one / (one + Exp(-x));
    }

    /// <summary>
    /// tanh as the [13/6] rational minimax approximation <c>x·P(x²)/Q(x²)</c> of Eigen's <c>generic_fast_tanh_float</c>,
    /// on x clamped to ±7.9988 (where, with FMA, the approximation reaches exactly ±1 in float). Relative error ≤ 3e-7
    /// over the whole line, also near 0 where P(0)/Q(0) = 0.99999987: the ratio P/Q is formed first and multiplied by x
    /// last, so tiny and subnormal x keep their digits (Eigen instead returns x below 4e-4, at the cost of a compare and
    /// a blend per call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x) where TV : struct, ISimdFloat<TV>
    {
        const float Clamp = 7.99881172180175781f;
        TV xc = TV.Max(TV.Create(-Clamp), TV.Min(TV.Create(Clamp), x));
        TV x2 = xc * xc;
        TV p = TV.Create(-2.76076847742355e-16f);
        p = TV.MultiplyAdd(p, x2, TV.Create(2.00018790482477e-13f));
        p = TV.MultiplyAdd(p, x2, TV.Create(-8.60467152213735e-11f));
        p = TV.MultiplyAdd(p, x2, TV.Create(5.12229709037114e-08f));
        p = TV.MultiplyAdd(p, x2, TV.Create(1.48572235717979e-05f));
        p = TV.MultiplyAdd(p, x2, TV.Create(6.37261928875436e-04f));
        p = TV.MultiplyAdd(p, x2, TV.Create(4.89352455891786e-03f));
        TV q = TV.Create(1.19825839466702e-06f);
        q = TV.MultiplyAdd(q, x2, TV.Create(1.18534705686654e-04f));
        q = TV.MultiplyAdd(q, x2, TV.Create(2.26843463243900e-03f));
        q = TV.MultiplyAdd(q, x2, TV.Create(4.89352518554385e-03f));
        return xc * (p / q);
    }

    /// <summary>
    /// <c>softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|)</c>: the exponential is at most 1, so nothing overflows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Softplus<TV>(TV x) where TV : struct, ISimdFloat<TV>
        => TV.Max(TV.Create(0f), x) + LogOnePlus(Exp(-TV.Abs(x)));

    /// <summary>
    /// <c>log(1 + u)</c> for u ≥ 0, accurate also where 1 + u rounds to 1: with <c>w = 1 + u</c> (rounded),
    /// <c>log1p(u) = log(w)·u/(w − 1)</c> (Goldberg, "What every computer scientist should know about floating-point
    /// arithmetic", 1991, Theorem 4), and <c>u</c> itself where w = 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LogOnePlus<TV>(TV u) where TV : struct, ISimdFloat<TV>
    {
        TV one = TV.Create(1f);
        TV w = one + u;
        return TV.Select(TV.Equal(w, one), u, TV.Log(w) * (u / (w - one)));
    }
}
