using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>A storage format of weights narrower than float: how a register's worth is loaded and widened.</summary>
/// <typeparam name="TElement">The stored element.</typeparam>
internal unsafe interface IReducedFormat<TElement> where TElement : unmanaged
{
    /// <summary>Loads <c>TOps.Count</c> elements at <paramref name="source"/> as floats (before any row scale); reads no
    /// element past them.</summary>
    static abstract TVec Load<TOps, TVec>(TElement* source)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged;

    /// <summary>One element as a float.</summary>
    static abstract float ToSingle(TElement value);
}

/// <summary>bfloat16: the upper half of a float's bits, so widening is a shift (.NET has no AVX512-BF16 intrinsics).</summary>
internal readonly unsafe struct BFloat16Format : IReducedFormat<ushort>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TOps, TVec>(ushort* source)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged
    {
        if (typeof(TVec) == typeof(Vector512<float>))
            return Unsafe.BitCast<Vector512<float>, TVec>((Vector512.WidenLower(Vector256.Load(source).ToVector512Unsafe()) << 16).AsSingle());
        if (typeof(TVec) == typeof(Vector256<float>))
            return Unsafe.BitCast<Vector256<float>, TVec>((Vector256.WidenLower(Vector128.Load(source).ToVector256Unsafe()) << 16).AsSingle());
        if (typeof(TVec) == typeof(Vector128<float>))
            return Unsafe.BitCast<Vector128<float>, TVec>((Vector128.WidenLower(Vector128.CreateScalar(*(ulong*)source).AsUInt16()) << 16).AsSingle());
        return Unsafe.BitCast<float, TVec>(ToSingle(*source));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort value) => BitConverter.Int32BitsToSingle(value << 16);

    /// <summary>A float rounded to the nearest bfloat16, ties to even (the weights are finite, so no NaN case).</summary>
    internal static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }
}

/// <summary>Signed bytes, each row scaled by one float after its dot product.</summary>
internal readonly unsafe struct Int8Format : IReducedFormat<sbyte>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TOps, TVec>(sbyte* source)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged
    {
        if (typeof(TVec) == typeof(Vector512<float>))
        {
            Vector512<int> wide = Avx512F.IsSupported
                ? Avx512F.ConvertToVector512Int32(Vector128.Load(source))
                : Vector512.WidenLower(Vector512.WidenLower(Vector128.Load(source).ToVector256Unsafe().ToVector512Unsafe()));
            return Unsafe.BitCast<Vector512<float>, TVec>(Vector512.ConvertToSingle(wide));
        }
        if (typeof(TVec) == typeof(Vector256<float>))
        {
            Vector256<int> wide = Avx2.IsSupported
                ? Avx2.ConvertToVector256Int32(source)
                : Vector256.WidenLower(Vector256.WidenLower(Vector128.CreateScalar(*(long*)source).AsSByte().ToVector256Unsafe()));
            return Unsafe.BitCast<Vector256<float>, TVec>(Vector256.ConvertToSingle(wide));
        }
        if (typeof(TVec) == typeof(Vector128<float>))
        {
            Vector128<int> wide = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(*(int*)source).AsSByte()));
            return Unsafe.BitCast<Vector128<float>, TVec>(Vector128.ConvertToSingle(wide));
        }
        return Unsafe.BitCast<float, TVec>(*source);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(sbyte value) => value;
}

/// <summary>
/// Matrix–vector products against weights stored in a <see cref="IReducedFormat{TElement}"/>:
/// <c>y[j] (+)= s_j · Σ_p x[p]·w̃[j, p]</c> (<c>s_j</c> = 1 without row scales). Eight rows at a time, each load of x
/// serving eight FMA chains and the eight sums reduced jointly, as the float kernel does
/// (<see cref="Gemv.DotRows{TOps, TVec, T}"/>); but the weights are stored in the order the kernel reads them (below), so
/// a product streams them front to back in one sequential pass, the pattern the hardware prefetchers serve best.
/// </summary>
/// <remarks>
/// Layout: rows in groups of <see cref="Group"/>, k in chunks of <see cref="Chunk"/>; group g's chunk c holds the
/// chunk's elements of the group's eight rows one after another (<see cref="PackedIndex"/>). Rows past the last and
/// elements past k are zeros, never used in a result. A chunk is one 512-bit register of floats, and two or four
/// narrower ones, so every width reads the same layout and adds the terms of a row in the same order as the float
/// kernel does at that width.
/// </remarks>
internal static unsafe class ReducedGemv
{
    /// <summary>Rows computed together.</summary>
    internal const int Group = 8;

    /// <summary>Elements of a row stored together: one Vector512 of floats.</summary>
    internal const int Chunk = 16;

    /// <summary>Elements of the packed form of a rows × k matrix.</summary>
    internal static long PackedLength(int rows, int k) => (long)Groups(rows) * Group * Chunks(k) * Chunk;

    /// <summary>Where element (row, p) of a matrix of k columns lives in its packed form.</summary>
    internal static long PackedIndex(int row, int p, int k) =>
        (((long)(row / Group) * Chunks(k) + p / Chunk) * Group + row % Group) * Chunk + p % Chunk;

    private static int Groups(int rows) => (rows + Group - 1) / Group;

    private static int Chunks(int k) => (k + Chunk - 1) / Chunk;

    /// <summary>Runs <see cref="DotRows{TOps, TVec, TFormat, TElement}"/> on the current thread's path.</summary>
    internal static void Multiply<TFormat, TElement>(int rows, int k, float* x, TElement* packed, float* scales, float* y, bool accumulate)
        where TFormat : struct, IReducedFormat<TElement>
        where TElement : unmanaged
    {
        var kernel = new Kernel<TFormat, TElement>(rows, k, x, packed, scales, y, accumulate);
        Simd.Run<Kernel<TFormat, TElement>, float>(ref kernel);
    }

    private readonly struct Kernel<TFormat, TElement>(int rows, int k, float* x, TElement* packed, float* scales, float* y, bool accumulate)
        : ISimdKernel<float>
        where TFormat : struct, IReducedFormat<TElement>
        where TElement : unmanaged
    {
        public void Run<TOps, TVec>()
            where TOps : struct, ISimdOps<TVec, float>, IGemmTile<float>
            where TVec : unmanaged
            => DotRows<TOps, TVec, TFormat, TElement>(rows, k, x, packed, scales, y, accumulate);
    }

    /// <summary>The product over <paramref name="rows"/> rows of <paramref name="k"/> elements, packed as
    /// <see cref="PackedIndex"/> says; <paramref name="scales"/> null means 1 for every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static void DotRows<TOps, TVec, TFormat, TElement>(int rows, int k, float* x, TElement* packed, float* scales, float* y, bool accumulate)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged
        where TFormat : struct, IReducedFormat<TElement>
        where TElement : unmanaged
    {
        int w = TOps.Count, whole = k / Chunk, chunks = Chunks(k);
        float* sums = stackalloc float[Group];
        TElement* m = packed;
        for (int j = 0; j < rows; j += Group)
        {
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            TVec s4 = TOps.Zero, s5 = TOps.Zero, s6 = TOps.Zero, s7 = TOps.Zero;
            for (int c = 0; c < whole; c++, m += Group * Chunk)
            {
                for (int part = 0; part < Chunk; part += w)
                {
                    TVec xv = TOps.Load(x + c * Chunk + part);
                    TElement* r = m + part;
                    s0 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r), s0);
                    s1 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + Chunk), s1);
                    s2 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 2 * Chunk), s2);
                    s3 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 3 * Chunk), s3);
                    s4 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 4 * Chunk), s4);
                    s5 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 5 * Chunk), s5);
                    s6 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 6 * Chunk), s6);
                    s7 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 7 * Chunk), s7);
                }
            }
            TOps.SumEach(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate: false);
            if (whole < chunks)
            {
                // The last, partial chunk: its terms in scalars (x has no elements past k to load).
                for (int i = 0; i < Group; i++)
                    for (int p = whole * Chunk; p < k; p++) sums[i] += x[p] * TFormat.ToSingle(m[i * Chunk + p - whole * Chunk]);
                m += Group * Chunk;
            }
            for (int i = 0; i < Group && j + i < rows; i++)
            {
                float d = scales != null ? sums[i] * scales[j + i] : sums[i];
                y[j + i] = accumulate ? y[j + i] + d : d;
            }
        }
    }
}
