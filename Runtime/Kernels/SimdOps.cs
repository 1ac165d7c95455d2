using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// The lane operations of one register width, as static abstract members, so that every kernel (GEMM micro-kernels and
/// pointwise kernels alike) is written once and compiled for <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>,
/// <see cref="Vector128{T}"/> and plain scalars, in float and double. Implementations are structs: the JIT specializes
/// every generic instantiation over them and inlines the members, so the abstraction costs nothing (the design of
/// <c>System.Numerics.Tensors.TensorPrimitives</c>). <see cref="Simd"/> picks the width.
/// </summary>
/// <remarks>
/// <see cref="Min"/> and <see cref="Max"/> are the hardware's (x86 <c>minps</c>/<c>maxps</c>): they take the bound first and
/// the value second, and return the value when either is NaN, so a NaN input propagates through a clamp instead of
/// being replaced by the bound. <see cref="Round"/>, <see cref="ScaleB"/> and <see cref="Log"/> serve the
/// single-precision polynomials of <see cref="VectorMath{TOps, TVec, T}"/>; double precision evaluates its transcendental functions
/// lane by lane with <see cref="Math"/> (<see cref="PerLane"/>).
/// </remarks>
/// <typeparam name="TVec">The register type: a vector of <typeparamref name="T"/>, or <typeparamref name="T"/> itself.</typeparam>
/// <typeparam name="T">The element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
internal unsafe interface ISimdOps<TVec, T>
    where TVec : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per register.</summary>
    static abstract int Count { get; }

    /// <summary>A register of zeros.</summary>
    static abstract TVec Zero { get; }

    /// <summary>Loads <see cref="Count"/> elements (no alignment required).</summary>
    static abstract TVec Load(T* source);

    /// <summary>Loads <see cref="Count"/> floats and converts them to <typeparamref name="T"/> (exactly, for double).</summary>
    static abstract TVec LoadSingles(float* source);

    /// <summary>Stores <see cref="Count"/> elements (no alignment required).</summary>
    static abstract void Store(TVec value, T* destination);

    /// <summary>Every lane set to <c>*source</c>.</summary>
    static abstract TVec Broadcast(T* source);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVec Create(T value);

    /// <summary><c>a·b + c</c>, fused (one rounding) where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary>Lane-wise sum.</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>Lane-wise difference.</summary>
    static abstract TVec Subtract(TVec a, TVec b);

    /// <summary>Lane-wise product.</summary>
    static abstract TVec Multiply(TVec a, TVec b);

    /// <summary>Lane-wise quotient (correctly rounded).</summary>
    static abstract TVec Divide(TVec a, TVec b);

    /// <summary>Lane-wise negation.</summary>
    static abstract TVec Negate(TVec x);

    /// <summary><c>min(bound, x)</c>; NaN in either gives <paramref name="x"/>.</summary>
    static abstract TVec Min(TVec bound, TVec x);

    /// <summary><c>max(bound, x)</c>; NaN in either gives <paramref name="x"/>.</summary>
    static abstract TVec Max(TVec bound, TVec x);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TVec Abs(TVec x);

    /// <summary>Lane-wise square root (correctly rounded).</summary>
    static abstract TVec Sqrt(TVec x);

    /// <summary>Rounds to the nearest integer, ties to even.</summary>
    static abstract TVec Round(TVec x);

    /// <summary><c>x·2ⁿ</c> for integral <paramref name="n"/> in [−150, 129], overflowing to ∞ and underflowing through the
    /// subnormals to 0 (single precision only).</summary>
    static abstract TVec ScaleB(TVec x, TVec n);

    /// <summary>Natural logarithm (the runtime's vectorized <c>Log</c>).</summary>
    static abstract TVec Log(TVec x);

    /// <summary>All-ones lanes where <c>left &gt; right</c>, zero elsewhere.</summary>
    static abstract TVec GreaterThan(TVec left, TVec right);

    /// <summary>All-ones lanes where <c>left == right</c>, zero elsewhere.</summary>
    static abstract TVec Equal(TVec left, TVec right);

    /// <summary>Lanes of <paramref name="whenTrue"/> where <paramref name="mask"/> is all-ones, else of <paramref name="whenFalse"/>.</summary>
    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);

    /// <summary><typeparamref name="TFunction"/> applied to each lane on its own.</summary>
    static abstract TVec PerLane<TFunction>(TVec x) where TFunction : struct, ILaneFunction<T>;

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVec value);

    /// <summary>The largest lane.</summary>
    static abstract T MaxAcross(TVec value);

    /// <summary>
    /// <c>sums[i] (+)= Σ lanes of s<sub>i</sub></c> for eight registers at once: the end of eight dot products. Reducing
    /// them jointly (a transpose-and-add tree whose shuffles each serve several registers) costs about three shuffles
    /// and adds per register where <see cref="Sum"/> costs eight, which matters when the dot products are short
    /// (k = 128 is eight FMAs per row in <see cref="Gemv.DotRows{TOps, TVec, T}"/>). The lanes are added in a different
    /// order than <see cref="Sum"/>'s, so the two can differ in the last bit.
    /// </summary>
    static abstract void SumEach(TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7, T* sums, bool accumulate);
}

/// <summary>A function of one element, for <see cref="ISimdOps{TVec, T}.PerLane"/>.</summary>
internal interface ILaneFunction<T>
{
    /// <summary>The function's value at <paramref name="x"/>.</summary>
    static abstract T Invoke(T x);
}

/// <summary>Lane-level helpers shared by the widths.</summary>
internal static unsafe class Lanes
{
    /// <summary><typeparamref name="TFunction"/> applied to each of the <typeparamref name="T"/> lanes of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec Map<TVec, T, TFunction>(TVec x)
        where TVec : unmanaged
        where T : unmanaged
        where TFunction : struct, ILaneFunction<T>
    {
        ref T lanes = ref Unsafe.As<TVec, T>(ref x);
        for (int i = 0; i < sizeof(TVec) / sizeof(T); i++) Unsafe.Add(ref lanes, i) = TFunction.Invoke(Unsafe.Add(ref lanes, i));
        return x;
    }

    /// <summary>The fallback of <see cref="ISimdOps{TVec, T}.SumEach"/> for lane types without a joint reduction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void OneByOne<TOps, TVec, T>(TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7, T* sums, bool accumulate)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Put(sums, TOps.Sum(s0), accumulate);
        Put(sums + 1, TOps.Sum(s1), accumulate);
        Put(sums + 2, TOps.Sum(s2), accumulate);
        Put(sums + 3, TOps.Sum(s3), accumulate);
        Put(sums + 4, TOps.Sum(s4), accumulate);
        Put(sums + 5, TOps.Sum(s5), accumulate);
        Put(sums + 6, TOps.Sum(s6), accumulate);
        Put(sums + 7, TOps.Sum(s7), accumulate);
    }

    /// <summary><c>*y (+)= value</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Put<T>(T* y, T value, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (accumulate) *y += value;
        else *y = value;
    }

    /// <summary>Adds the four 128-bit quarters of two registers pairwise: <c>[a0+a2, a1+a3, b0+b2, b1+b3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Halves(Vector512<float> a, Vector512<float> b)
        => Avx512F.Shuffle4x128(a, b, 0b01_00_01_00) + Avx512F.Shuffle4x128(a, b, 0b11_10_11_10);

    /// <summary>From two results of <see cref="Halves(Vector512{float}, Vector512{float})"/> (a, b and c, d), one register
    /// whose quarter q holds four partial sums of the q-th of a, b, c, d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Quarters(Vector512<float> ab, Vector512<float> cd)
        => Avx512F.Shuffle4x128(ab, cd, 0b10_00_10_00) + Avx512F.Shuffle4x128(ab, cd, 0b11_01_11_01);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Halves(Vector512<double> a, Vector512<double> b)
        => Avx512F.Shuffle4x128(a, b, 0b01_00_01_00) + Avx512F.Shuffle4x128(a, b, 0b11_10_11_10);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Quarters(Vector512<double> ab, Vector512<double> cd)
        => Avx512F.Shuffle4x128(ab, cd, 0b10_00_10_00) + Avx512F.Shuffle4x128(ab, cd, 0b11_01_11_01);
}

/// <summary>512-bit lanes (AVX-512F, which always comes with FMA).</summary>
internal readonly unsafe struct Vector512Ops<T> : ISimdOps<Vector512<T>, T>, IGemmTile<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, T* destination) => Vector512.Store(value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T* source) => Vector512.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        // typeof(T) tests are JIT-time constants for value types: exactly one branch survives.
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadSingles(float* source)
        => typeof(T) == typeof(float) ? Vector512.Load((T*)source) : Vector512.WidenLower(Vector256.Load(source).ToVector512Unsafe()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Negate(Vector512<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min(Vector512<T> bound, Vector512<T> x) => Vector512.MinNative(bound, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> bound, Vector512<T> x) => Vector512.MaxNative(bound, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> x) => Vector512.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt(Vector512<T> x) => Vector512.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Round(Vector512<T> x)
        => typeof(T) == typeof(float) ? Vector512.Round(x.AsSingle()).As<float, T>() : Vector512.Round(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log(Vector512<T> x)
        => typeof(T) == typeof(float) ? Vector512.Log(x.AsSingle()).As<float, T>() : Vector512.Log(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ScaleB(Vector512<T> x, Vector512<T> n)
    {
        if (typeof(T) != typeof(float)) throw new NotSupportedException("ScaleB serves the single-precision exponential only.");
        // vscalefps computes x·2^floor(n) in one instruction, with IEEE overflow and gradual underflow.
        if (Avx512F.IsSupported) return Avx512F.Scale(x.AsSingle(), n.AsSingle()).As<float, T>();

        // Otherwise 2^⌊n/2⌋ and 2^(n−⌊n/2⌋) from exponent bits: each factor is a normal float for n in [−150, 129] and
        // x·2^a is exact, so only the last product rounds (overflow to ∞, gradual underflow, as vscalefps).
        Vector512<int> k = Vector512.ConvertToInt32Native(n.AsSingle());
        Vector512<int> k1 = Vector512.ShiftRightArithmetic(k, 1);
        Vector512<float> s1 = Vector512.ShiftLeft(k1 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(k - k1 + Vector512.Create(127), 23).AsSingle();
        return (x.AsSingle() * s1 * s2).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThan(Vector512<T> left, Vector512<T> right) => Vector512.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Equal(Vector512<T> left, Vector512<T> right) => Vector512.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select(Vector512<T> mask, Vector512<T> whenTrue, Vector512<T> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> PerLane<TFunction>(Vector512<T> x) where TFunction : struct, ILaneFunction<T>
        => Lanes.Map<Vector512<T>, T, TFunction>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector512<T> value) => Vector256Ops<T>.MaxAcross(Vector256.MaxNative(value.GetLower(), value.GetUpper()));

    /// <summary>The GEMM tile: 8 rows by up to 3 registers (8×48 float, 8×24 double) in 24 zmm accumulators.</summary>
    /// <remarks>8 rows because recurrent batches (16, 64) are multiples of 8, so no tile is wasted on padding rows; 3
    /// registers wide because 8×3 leaves 3 B registers and one broadcast register free of the 32.</remarks>
    public static int Rows => 8;

    public static int StoredWidth(int width)
    {
        int w = Vector512<T>.Count;
        return width > 2 * w ? 3 * w : width > w ? 2 * w : w;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Panel(int kc, T* a, T* b, nint ldb, T* c, nint ldc, int width, bool overwrite)
    {
        int w = Vector512<T>.Count;
        if (width > 2 * w) GemmMicroKernels.Rows8x3<Vector512Ops<T>, Vector512<T>, T>(kc, a, b, ldb, c, ldc, overwrite);
        else if (width > w) GemmMicroKernels.Rows8x2<Vector512Ops<T>, Vector512<T>, T>(kc, a, b, ldb, c, ldc, overwrite);
        else GemmMicroKernels.Rows8x1<Vector512Ops<T>, Vector512<T>, T>(kc, a, b, ldb, c, ldc, overwrite);
    }

    /// <remarks>Float: two rounds of 128-bit block shuffles leave, in quarter q of v0 (v1), four partial sums of row 2q
    /// (2q + 1); one in-lane shuffle round and one cross-lane permute finish the sums in row order: 22 operations for
    /// eight rows. Double: the same two rounds, then one in-lane shuffle round.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumEach(Vector512<T> s0, Vector512<T> s1, Vector512<T> s2, Vector512<T> s3,
        Vector512<T> s4, Vector512<T> s5, Vector512<T> s6, Vector512<T> s7, T* sums, bool accumulate)
    {
        if (Avx512F.IsSupported && typeof(T) == typeof(float))
        {
            Vector512<float> v0 = Lanes.Quarters(Lanes.Halves(s0.AsSingle(), s2.AsSingle()), Lanes.Halves(s4.AsSingle(), s6.AsSingle()));
            Vector512<float> v1 = Lanes.Quarters(Lanes.Halves(s1.AsSingle(), s3.AsSingle()), Lanes.Halves(s5.AsSingle(), s7.AsSingle()));
            // Quarter q: [row 2q: p0+p1, p2+p3, row 2q+1: p0+p1, p2+p3].
            Vector512<float> w = Avx512F.Shuffle(v0, v1, 0b10_00_10_00) + Avx512F.Shuffle(v0, v1, 0b11_01_11_01);
            Vector256<float> r = (Avx512F.PermuteVar16x32(w, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0))
                + Avx512F.PermuteVar16x32(w, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 0, 0, 0, 0, 0, 0, 0, 0))).GetLower();
            float* y = (float*)sums;
            if (accumulate) r += Vector256.Load(y);
            Vector256.Store(r, y);
            return;
        }
        if (Avx512F.IsSupported && typeof(T) == typeof(double))
        {
            Vector512<double> v0 = Lanes.Quarters(Lanes.Halves(s0.AsDouble(), s2.AsDouble()), Lanes.Halves(s4.AsDouble(), s6.AsDouble()));
            Vector512<double> v1 = Lanes.Quarters(Lanes.Halves(s1.AsDouble(), s3.AsDouble()), Lanes.Halves(s5.AsDouble(), s7.AsDouble()));
            // Quarter q of v0 (v1) holds the two partial sums of row 2q (2q + 1); add each pair, in row order.
            Vector512<double> r = Avx512F.Shuffle(v0, v1, 0x00) + Avx512F.Shuffle(v0, v1, 0xFF);
            double* y = (double*)sums;
            if (accumulate) r += Vector512.Load(y);
            Vector512.Store(r, y);
            return;
        }
        Lanes.OneByOne<Vector512Ops<T>, Vector512<T>, T>(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate);
    }
}

/// <summary>256-bit lanes (AVX2); fused multiply-add only when the CPU has FMA.</summary>
internal readonly unsafe struct Vector256Ops<T> : ISimdOps<Vector256<T>, T>, IGemmTile<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, T* destination) => Vector256.Store(value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T* source) => Vector256.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (Fma.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadSingles(float* source)
        => typeof(T) == typeof(float) ? Vector256.Load((T*)source) : Vector256.WidenLower(Vector128.Load(source).ToVector256Unsafe()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> a, Vector256<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> a, Vector256<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Negate(Vector256<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min(Vector256<T> bound, Vector256<T> x) => Vector256.MinNative(bound, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> bound, Vector256<T> x) => Vector256.MaxNative(bound, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> x) => Vector256.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt(Vector256<T> x) => Vector256.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Round(Vector256<T> x)
        => typeof(T) == typeof(float) ? Vector256.Round(x.AsSingle()).As<float, T>() : Vector256.Round(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log(Vector256<T> x)
        => typeof(T) == typeof(float) ? Vector256.Log(x.AsSingle()).As<float, T>() : Vector256.Log(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ScaleB(Vector256<T> x, Vector256<T> n)
    {
        if (typeof(T) != typeof(float)) throw new NotSupportedException("ScaleB serves the single-precision exponential only.");
        // vscalefps (AVX-512VL) computes x·2^floor(n) in one instruction, with IEEE overflow and gradual underflow.
        if (Avx512F.VL.IsSupported) return Avx512F.VL.Scale(x.AsSingle(), n.AsSingle()).As<float, T>();

        // Otherwise 2^⌊n/2⌋ and 2^(n−⌊n/2⌋) from exponent bits: each factor is a normal float for n in [−150, 129] and
        // x·2^a is exact, so only the last product rounds (overflow to ∞, gradual underflow, as vscalefps).
        Vector256<int> k = Vector256.ConvertToInt32Native(n.AsSingle());
        Vector256<int> k1 = Vector256.ShiftRightArithmetic(k, 1);
        Vector256<float> s1 = Vector256.ShiftLeft(k1 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(k - k1 + Vector256.Create(127), 23).AsSingle();
        return (x.AsSingle() * s1 * s2).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThan(Vector256<T> left, Vector256<T> right) => Vector256.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Equal(Vector256<T> left, Vector256<T> right) => Vector256.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> whenTrue, Vector256<T> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> PerLane<TFunction>(Vector256<T> x) where TFunction : struct, ILaneFunction<T>
        => Lanes.Map<Vector256<T>, T, TFunction>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector256<T> value) => Vector128Ops<T>.MaxAcross(Vector128.MaxNative(value.GetLower(), value.GetUpper()));

    /// <summary>The GEMM tile: 6×2-register sub-tiles, three across a panel (the classic AVX2 6×16 kernel).</summary>
    public static int Rows => 6;

    public static int StoredWidth(int width)
    {
        int step = 2 * Vector256<T>.Count;
        return (width + step - 1) / step * step;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Panel(int kc, T* a, T* b, nint ldb, T* c, nint ldc, int width, bool overwrite)
    {
        // The A micro-panel (6·kc values) stays in L1 across the sub-tiles.
        int step = 2 * Vector256<T>.Count;
        for (int j = 0; j < width; j += step)
            GemmMicroKernels.Rows6x2<Vector256Ops<T>, Vector256<T>, T>(kc, a, b + j, ldb, c + j, ldc, overwrite);
    }

    /// <remarks>Horizontal adds within 128-bit halves, then one exchange of halves: 9 operations for eight float rows
    /// (two rounds of 5 for double), results in row order.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumEach(Vector256<T> s0, Vector256<T> s1, Vector256<T> s2, Vector256<T> s3,
        Vector256<T> s4, Vector256<T> s5, Vector256<T> s6, Vector256<T> s7, T* sums, bool accumulate)
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            // [r0 p0-3, r1 p0-3, r2 p0-3, r3 p0-3 | the same for p4-7]
            Vector256<float> lo = Avx.HorizontalAdd(Avx.HorizontalAdd(s0.AsSingle(), s1.AsSingle()), Avx.HorizontalAdd(s2.AsSingle(), s3.AsSingle()));
            Vector256<float> hi = Avx.HorizontalAdd(Avx.HorizontalAdd(s4.AsSingle(), s5.AsSingle()), Avx.HorizontalAdd(s6.AsSingle(), s7.AsSingle()));
            Vector256<float> r = Avx.Permute2x128(lo, hi, 0x20) + Avx.Permute2x128(lo, hi, 0x31);
            float* y = (float*)sums;
            if (accumulate) r += Vector256.Load(y);
            Vector256.Store(r, y);
            return;
        }
        if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            Vector256<double> r0 = Quad(s0.AsDouble(), s1.AsDouble(), s2.AsDouble(), s3.AsDouble());
            Vector256<double> r1 = Quad(s4.AsDouble(), s5.AsDouble(), s6.AsDouble(), s7.AsDouble());
            double* y = (double*)sums;
            if (accumulate)
            {
                r0 += Vector256.Load(y);
                r1 += Vector256.Load(y + 4);
            }
            Vector256.Store(r0, y);
            Vector256.Store(r1, y + 4);
            return;
        }
        Lanes.OneByOne<Vector256Ops<T>, Vector256<T>, T>(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate);
    }

    /// <summary>The lane sums of four double registers, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Quad(Vector256<double> a, Vector256<double> b, Vector256<double> c, Vector256<double> d)
    {
        Vector256<double> ab = Avx.HorizontalAdd(a, b), cd = Avx.HorizontalAdd(c, d); // [a01, b01, c01.. | a23, b23 ..]
        return Avx.Permute2x128(ab, cd, 0x20) + Avx.Permute2x128(ab, cd, 0x31);
    }
}

/// <summary>128-bit lanes (SSE; the Native AOT default; AdvSimd on Arm64); fused multiply-add where the CPU has FMA
/// (Arm64 always).</summary>
internal readonly unsafe struct Vector128Ops<T> : ISimdOps<Vector128<T>, T>, IGemmTile<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    public static Vector128<T> Zero => Vector128<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, T* destination) => Vector128.Store(value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T* source) => Vector128.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        // x64 with FMA3 (vfmadd), or Arm64, whose AdvSimd always has fmla: the one instruction either way. Without
        // either, two rounded operations (a software fused multiply-add would be far slower).
        if (Fma.IsSupported || AdvSimd.Arm64.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadSingles(float* source)
        // Double: the two floats as one 64-bit load, widened in the register (cvtps2pd) rather than converted one by one.
        => typeof(T) == typeof(float) ? Vector128.Load((T*)source)
            : Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(long*)source).AsSingle()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Create(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> a, Vector128<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> a, Vector128<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Negate(Vector128<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min(Vector128<T> bound, Vector128<T> x) => Vector128.MinNative(bound, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> bound, Vector128<T> x) => Vector128.MaxNative(bound, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs(Vector128<T> x) => Vector128.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sqrt(Vector128<T> x) => Vector128.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Round(Vector128<T> x)
        => typeof(T) == typeof(float) ? Vector128.Round(x.AsSingle()).As<float, T>() : Vector128.Round(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Log(Vector128<T> x)
        => typeof(T) == typeof(float) ? Vector128.Log(x.AsSingle()).As<float, T>() : Vector128.Log(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ScaleB(Vector128<T> x, Vector128<T> n)
    {
        if (typeof(T) != typeof(float)) throw new NotSupportedException("ScaleB serves the single-precision exponential only.");
        // vscalefps (AVX-512VL) computes x·2^floor(n) in one instruction, with IEEE overflow and gradual underflow.
        if (Avx512F.VL.IsSupported) return Avx512F.VL.Scale(x.AsSingle(), n.AsSingle()).As<float, T>();

        // Otherwise 2^⌊n/2⌋ and 2^(n−⌊n/2⌋) from exponent bits: each factor is a normal float for n in [−150, 129] and
        // x·2^a is exact, so only the last product rounds (overflow to ∞, gradual underflow, as vscalefps).
        Vector128<int> k = Vector128.ConvertToInt32Native(n.AsSingle());
        Vector128<int> k1 = Vector128.ShiftRightArithmetic(k, 1);
        Vector128<float> s1 = Vector128.ShiftLeft(k1 + Vector128.Create(127), 23).AsSingle();
        Vector128<float> s2 = Vector128.ShiftLeft(k - k1 + Vector128.Create(127), 23).AsSingle();
        return (x.AsSingle() * s1 * s2).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> GreaterThan(Vector128<T> left, Vector128<T> right) => Vector128.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Equal(Vector128<T> left, Vector128<T> right) => Vector128.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Select(Vector128<T> mask, Vector128<T> whenTrue, Vector128<T> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> PerLane<TFunction>(Vector128<T> x) where TFunction : struct, ILaneFunction<T>
        => Lanes.Map<Vector128<T>, T, TFunction>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector128<T> value) => Vector128<T>.Count == 4
        ? T.Max(T.Max(value.GetElement(0), value.GetElement(1)), T.Max(value.GetElement(2), value.GetElement(3)))
        : T.Max(value.GetElement(0), value.GetElement(1));

    /// <summary>The GEMM tile: 6×2-register sub-tiles across a panel, on xmm registers.</summary>
    public static int Rows => 6;

    public static int StoredWidth(int width)
    {
        int step = 2 * Vector128<T>.Count;
        return (width + step - 1) / step * step;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Panel(int kc, T* a, T* b, nint ldb, T* c, nint ldc, int width, bool overwrite)
    {
        // The A micro-panel (6·kc values) stays in L1 across the sub-tiles.
        int step = 2 * Vector128<T>.Count;
        for (int j = 0; j < width; j += step)
            GemmMicroKernels.Rows6x2<Vector128Ops<T>, Vector128<T>, T>(kc, a, b + j, ldb, c + j, ldc, overwrite);
    }

    /// <remarks>Pairwise (horizontal) adds: <c>hadd(hadd(a, b), hadd(c, d))</c> is the four float sums in order, and
    /// <c>hadd(a, b)</c> the two double sums (SSE3 on x64, <c>faddp</c> on Arm64).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumEach(Vector128<T> s0, Vector128<T> s1, Vector128<T> s2, Vector128<T> s3,
        Vector128<T> s4, Vector128<T> s5, Vector128<T> s6, Vector128<T> s7, T* sums, bool accumulate)
    {
        if ((Sse3.IsSupported || AdvSimd.Arm64.IsSupported) && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            Vector128<T> r0, r1, r2 = default, r3 = default;
            if (typeof(T) == typeof(float))
            {
                r0 = Pairwise(Pairwise(s0, s1), Pairwise(s2, s3));
                r1 = Pairwise(Pairwise(s4, s5), Pairwise(s6, s7));
            }
            else
            {
                r0 = Pairwise(s0, s1);
                r1 = Pairwise(s2, s3);
                r2 = Pairwise(s4, s5);
                r3 = Pairwise(s6, s7);
            }
            int w = Vector128<T>.Count;
            if (accumulate)
            {
                r0 += Vector128.Load(sums);
                r1 += Vector128.Load(sums + w);
                if (w == 2)
                {
                    r2 += Vector128.Load(sums + 4);
                    r3 += Vector128.Load(sums + 6);
                }
            }
            Vector128.Store(r0, sums);
            Vector128.Store(r1, sums + w);
            if (w == 2)
            {
                Vector128.Store(r2, sums + 4);
                Vector128.Store(r3, sums + 6);
            }
            return;
        }
        Lanes.OneByOne<Vector128Ops<T>, Vector128<T>, T>(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate);
    }

    /// <summary><c>[a0+a1, a2+a3, …, b0+b1, …]</c>: adjacent lanes of a, then of b, added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Pairwise(Vector128<T> a, Vector128<T> b)
    {
        if (Sse3.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Sse3.HorizontalAdd(a.AsSingle(), b.AsSingle()).As<float, T>();
            return Sse3.HorizontalAdd(a.AsDouble(), b.AsDouble()).As<double, T>();
        }
        if (typeof(T) == typeof(float)) return AdvSimd.Arm64.AddPairwise(a.AsSingle(), b.AsSingle()).As<float, T>();
        return AdvSimd.Arm64.AddPairwise(a.AsDouble(), b.AsDouble()).As<double, T>();
    }
}

/// <summary>One element per "register": the portable path, and the tail of every vectorized loop, so a kernel's tail
/// runs the same generic body, with the same approximations, as its vector part. Multiply-adds are fused only where the
/// hardware has FMA (x86 FMA3, Arm64 AdvSimd): without it <see cref="Math.FusedMultiplyAdd(double, double, double)"/> is
/// a slow library call.</summary>
internal readonly unsafe struct ScalarOps<T> : ISimdOps<T, T>, IGemmTile<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;

    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(T* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, T* destination) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T a, T b, T c)
        => Fma.IsSupported || AdvSimd.IsSupported ? T.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LoadSingles(float* source) => T.CreateTruncating(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Create(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T a, T b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T a, T b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T a, T b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Negate(T x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min(T bound, T x) => bound < x ? bound : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T bound, T x) => bound > x ? bound : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs(T x) => T.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt(T x) => T.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Round(T x) => T.Round(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log(T x) => T.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ScaleB(T x, T n)
    {
        if (typeof(T) != typeof(float)) throw new NotSupportedException("ScaleB serves the single-precision exponential only.");
        // As the vector fallbacks: two normal powers of two, so only the last product rounds.
        int k = int.CreateTruncating(n);
        int k1 = k >> 1;
        float s1 = BitConverter.Int32BitsToSingle((k1 + 127) << 23);
        float s2 = BitConverter.Int32BitsToSingle((k - k1 + 127) << 23);
        return x * T.CreateTruncating(s1) * T.CreateTruncating(s2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GreaterThan(T left, T right) => left > right ? TrueMask : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Equal(T left, T right) => left == right ? TrueMask : T.Zero;

    /// <remarks>A mask is all-ones (a NaN) or +0, so any non-zero mask is true.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Select(T mask, T whenTrue, T whenFalse) => mask != T.Zero ? whenTrue : whenFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PerLane<TFunction>(T x) where TFunction : struct, ILaneFunction<T> => TFunction.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(T value) => value;

    // The lane value of a true comparison: all bits set, as in a vector mask.
    private static T TrueMask
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float) ? (T)(object)BitConverter.Int32BitsToSingle(-1) : (T)(object)BitConverter.Int64BitsToDouble(-1);
    }

    /// <summary>The GEMM tile: 4×2 scalar sub-tiles across the panel.</summary>
    public static int Rows => 4;

    public static int StoredWidth(int width) => (width + 1) & ~1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Panel(int kc, T* a, T* b, nint ldb, T* c, nint ldc, int width, bool overwrite)
    {
        for (int j = 0; j < width; j += 2)
            GemmMicroKernels.Rows4x2<ScalarOps<T>, T, T>(kc, a, b + j, ldb, c + j, ldc, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumEach(T s0, T s1, T s2, T s3, T s4, T s5, T s6, T s7, T* sums, bool accumulate)
    {
        if (accumulate)
        {
            s0 += sums[0]; s1 += sums[1]; s2 += sums[2]; s3 += sums[3];
            s4 += sums[4]; s5 += sums[5]; s6 += sums[6]; s7 += sums[7];
        }
        sums[0] = s0; sums[1] = s1; sums[2] = s2; sums[3] = s3;
        sums[4] = s4; sums[5] = s5; sums[6] = s6; sums[7] = s7;
    }
}
