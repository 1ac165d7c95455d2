using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// The handful of lane operations a GEMM micro-kernel needs, as static abstract members, so that one kernel source is
/// compiled for <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/> and plain scalars. Implementations are structs:
/// the JIT specializes every generic instantiation over them and inlines the members, so the abstraction costs nothing
/// (checked in the disassembly: the 8×3 kernel's loop is 3 loads, 8 broadcasts and 24 <c>vfmadd231ps</c>).
/// </summary>
/// <typeparam name="TVec">The register type: a vector of <typeparamref name="T"/>, or <typeparamref name="T"/> itself.</typeparam>
/// <typeparam name="T">The element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
internal unsafe interface IGemmVector<TVec, T>
    where TVec : unmanaged
    where T : unmanaged
{
    /// <summary>Elements per register.</summary>
    static abstract int Count { get; }

    /// <summary>A register of zeros.</summary>
    static abstract TVec Zero { get; }

    /// <summary>Loads <see cref="Count"/> elements (no alignment required).</summary>
    static abstract TVec Load(T* source);

    /// <summary>Stores <see cref="Count"/> elements (no alignment required).</summary>
    static abstract void Store(TVec value, T* destination);

    /// <summary>Every lane set to <c>*source</c>.</summary>
    static abstract TVec Broadcast(T* source);

    /// <summary><c>a·b + c</c>, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary>Lane-wise sum.</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVec value);

    /// <summary>
    /// <c>sums[i] (+)= Σ lanes of s<sub>i</sub></c> for eight registers at once: the end of eight dot products. Reducing
    /// them jointly (a transpose-and-add tree whose shuffles each serve several registers) costs about three shuffles
    /// and adds per register where <see cref="Sum"/> costs eight, which matters when the dot products are short
    /// (k = 128 is eight FMAs per row in <see cref="Gemv.DotRows{TOps, TVec, T}"/>). The lanes are added in a different
    /// order than <see cref="Sum"/>'s, so the two can differ in the last bit.
    /// </summary>
    static abstract void SumEach(TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7, T* sums, bool accumulate);
}

/// <summary>The fallback of <see cref="IGemmVector{TVec, T}.SumEach"/> for lane types without a joint reduction.</summary>
internal static unsafe class LaneSums
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void OneByOne<TOps, TVec, T>(TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7, T* sums, bool accumulate)
        where TOps : struct, IGemmVector<TVec, T>
        where TVec : unmanaged
        where T : unmanaged
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

    /// <summary><c>*y (+)= value</c> for a T the vector structs only know as unmanaged (float or double here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Put<T>(T* y, T value, bool accumulate)
        where T : unmanaged
    {
        if (!accumulate) *y = value;
        else if (typeof(T) == typeof(float)) *(float*)y += Unsafe.As<T, float>(ref value);
        else if (typeof(T) == typeof(double)) *(double*)y += Unsafe.As<T, double>(ref value);
        else throw new NotSupportedException($"GEMM supports float and double, not {typeof(T).Name}.");
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
internal readonly unsafe struct Vector512Ops<T> : IGemmVector<Vector512<T>, T>
    where T : unmanaged
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

    /// <remarks>Float: two rounds of 128-bit block shuffles leave, in quarter q of v0 (v1), four partial sums of row 2q
    /// (2q + 1); one in-lane shuffle round and one cross-lane permute finish the sums in row order: 22 operations for
    /// eight rows. Double: the same two rounds, then one in-lane shuffle round.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumEach(Vector512<T> s0, Vector512<T> s1, Vector512<T> s2, Vector512<T> s3,
        Vector512<T> s4, Vector512<T> s5, Vector512<T> s6, Vector512<T> s7, T* sums, bool accumulate)
    {
        if (Avx512F.IsSupported && typeof(T) == typeof(float))
        {
            Vector512<float> v0 = LaneSums.Quarters(LaneSums.Halves(s0.AsSingle(), s2.AsSingle()), LaneSums.Halves(s4.AsSingle(), s6.AsSingle()));
            Vector512<float> v1 = LaneSums.Quarters(LaneSums.Halves(s1.AsSingle(), s3.AsSingle()), LaneSums.Halves(s5.AsSingle(), s7.AsSingle()));
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
            Vector512<double> v0 = LaneSums.Quarters(LaneSums.Halves(s0.AsDouble(), s2.AsDouble()), LaneSums.Halves(s4.AsDouble(), s6.AsDouble()));
            Vector512<double> v1 = LaneSums.Quarters(LaneSums.Halves(s1.AsDouble(), s3.AsDouble()), LaneSums.Halves(s5.AsDouble(), s7.AsDouble()));
            // Quarter q of v0 (v1) holds the two partial sums of row 2q (2q + 1); add each pair, in row order.
            Vector512<double> r = Avx512F.Shuffle(v0, v1, 0x00) + Avx512F.Shuffle(v0, v1, 0xFF);
            double* y = (double*)sums;
            if (accumulate) r += Vector512.Load(y);
            Vector512.Store(r, y);
            return;
        }
        LaneSums.OneByOne<Vector512Ops<T>, Vector512<T>, T>(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate);
    }
}

/// <summary>256-bit lanes (AVX2); fused multiply-add only when the CPU has FMA.</summary>
internal readonly unsafe struct Vector256Ops<T> : IGemmVector<Vector256<T>, T>
    where T : unmanaged
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
        LaneSums.OneByOne<Vector256Ops<T>, Vector256<T>, T>(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate);
    }

    /// <summary>The lane sums of four double registers, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Quad(Vector256<double> a, Vector256<double> b, Vector256<double> c, Vector256<double> d)
    {
        Vector256<double> ab = Avx.HorizontalAdd(a, b), cd = Avx.HorizontalAdd(c, d); // [a01, b01, c01.. | a23, b23 ..]
        return Avx.Permute2x128(ab, cd, 0x20) + Avx.Permute2x128(ab, cd, 0x31);
    }
}

/// <summary>128-bit lanes (SSE; the Native AOT default); fused multiply-add only when the CPU has FMA.</summary>
internal readonly unsafe struct Vector128Ops<T> : IGemmVector<Vector128<T>, T>
    where T : unmanaged
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
        if (Fma.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

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
        LaneSums.OneByOne<Vector128Ops<T>, Vector128<T>, T>(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate);
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

/// <summary>One element per "register": the portable fallback. Multiply and add stay separate operations, because
/// without hardware FMA <see cref="Math.FusedMultiplyAdd(double, double, double)"/> is a slow library call.</summary>
internal readonly unsafe struct ScalarOps<T> : IGemmVector<T, T>
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
    public static T MultiplyAdd(T a, T b, T c) => a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

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
