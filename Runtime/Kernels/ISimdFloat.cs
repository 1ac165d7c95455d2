namespace RnnGen.Kernels;

/// <summary>
/// One register of single-precision lanes. Kernels are written once, generic over this interface, and run as
/// <see cref="Simd512"/>, <see cref="Simd256"/> or <see cref="Simd1"/>: the JIT compiles a separate body for each struct
/// type argument and inlines these members, so the generic code becomes straight-line SIMD code (the design of
/// <c>System.Numerics.Tensors.TensorPrimitives</c>).
/// </summary>
/// <remarks>
/// <para>
/// Every loop over lanes sits in its own method marked <c>NoInlining</c>. The JIT's inlining budget is per compiled
/// method: when dynamic PGO inlined <c>Sgd.Step</c> into a caller, the budget ran out inside the loop and
/// <c>Simd512.MultiplyAdd</c> stayed a call with its vectors spilled to the stack, five times slower. As roots of their
/// own, the loops always get every member here inlined; the cost is one call per row or per kernel.
/// </para>
/// <para>
/// The same methods are <c>AggressiveOptimization</c>: tier-0 code inlines nothing, so every lane operation is a call
/// and a loop ran about 150 times slower than optimized; short loops called often (a row of 128) never trigger
/// on-stack replacement, and an LSTM forward of batch 16, H = 128 stayed at tier 0 for its first 300–1000 calls
/// (0.15–0.2 s). Optimized at once, they cost a few milliseconds of JIT time on first use instead. Tiered PGO, which
/// this turns off, has nothing to offer straight-line SIMD loops (measured: same steady-state time).
/// </para>
/// <para>
/// <see cref="Min"/> and <see cref="Max"/> are the hardware's (x86 <c>minps</c>/<c>maxps</c>): they take the bound first and the
/// value second, and return the value when either is NaN, so a NaN input propagates through a clamp instead of
/// being replaced by the bound.
/// </para>
/// </remarks>
internal interface ISimdFloat<TSelf> where TSelf : struct, ISimdFloat<TSelf>
{
    /// <summary>Number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Reads <see cref="Count"/> floats at <c>source[offset]</c>; the caller guarantees they exist.</summary>
    static abstract TSelf Load(ref float source, nuint offset);

    /// <summary>Writes the lanes to <c>destination[offset]</c>; the caller guarantees the room.</summary>
    static abstract void Store(TSelf value, ref float destination, nuint offset);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf operator +(TSelf left, TSelf right);

    /// <summary>Lane-wise difference.</summary>
    static abstract TSelf operator -(TSelf left, TSelf right);

    /// <summary>Lane-wise product.</summary>
    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Lane-wise quotient (correctly rounded).</summary>
    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>Lane-wise negation.</summary>
    static abstract TSelf operator -(TSelf value);

    /// <summary><c>a·b + c</c> with a single rounding where the hardware has FMA.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary><c>min(bound, x)</c>; NaN in either gives <paramref name="x"/>.</summary>
    static abstract TSelf Min(TSelf bound, TSelf x);

    /// <summary><c>max(bound, x)</c>; NaN in either gives <paramref name="x"/>.</summary>
    static abstract TSelf Max(TSelf bound, TSelf x);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TSelf Abs(TSelf x);

    /// <summary>Lane-wise square root (correctly rounded).</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>Rounds to the nearest integer, ties to even.</summary>
    static abstract TSelf Round(TSelf x);

    /// <summary><c>x·2ⁿ</c> for integral <paramref name="n"/> in [−150, 129], overflowing to ∞ and underflowing through the subnormals to 0.</summary>
    static abstract TSelf ScaleB(TSelf x, TSelf n);

    /// <summary>Natural logarithm (the runtime's vectorized <c>Log</c>).</summary>
    static abstract TSelf Log(TSelf x);

    /// <summary>All-ones lanes where <c>left &gt; right</c>, zero elsewhere.</summary>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);


    /// <summary>All-ones lanes where <c>left == right</c>, zero elsewhere.</summary>
    static abstract TSelf Equal(TSelf left, TSelf right);

    /// <summary>Lanes of <paramref name="whenTrue"/> where <paramref name="mask"/> is all-ones, else of <paramref name="whenFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>Sum of the lanes.</summary>
    static abstract float Sum(TSelf x);

    /// <summary>Largest lane.</summary>
    static abstract float MaxAcross(TSelf x);
}

/// <summary>
/// Accumulation of squares in double precision (for the global gradient norm): a register of floats widens into
/// <typeparamref name="TDouble"/>, a register of doubles with as many lanes in total.
/// </summary>
internal interface ISimdWidening<TSelf, TDouble> where TSelf : struct, ISimdFloat<TSelf>, ISimdWidening<TSelf, TDouble> where TDouble : struct
{
    /// <summary><c>accumulator + Σ x²</c> lane-wise, each square formed and added in double precision.</summary>
    static abstract TDouble AddSquares(TSelf x, TDouble accumulator);

    /// <summary>Lanes added together.</summary>
    static abstract TDouble AddDoubles(TDouble left, TDouble right);

    /// <summary>A register of zeros.</summary>
    static abstract TDouble DoubleZero { get; }

    /// <summary>Sum of the lanes.</summary>
    static abstract double SumDoubles(TDouble accumulator);
}
