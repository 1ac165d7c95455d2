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
/// <c>y[j] (+)= s_j · Σ_p x[p]·w̃[j·ldm + p]</c> (<c>s_j</c> = 1 without row scales). The float kernel's scheme
/// (<see cref="Gemv.DotRows{TOps, TVec, T}"/>): eight rows at a time, each load of x serving eight FMA chains, the eight
/// sums reduced jointly; the matrix is read once, in its stored order.
/// </summary>
internal static unsafe class ReducedGemv
{
    /// <summary>Runs <see cref="DotRows{TOps, TVec, TFormat, TElement}"/> on the current thread's path.</summary>
    internal static void Multiply<TFormat, TElement>(int rows, int k, float* x, TElement* mat, nint ldm, float* scales, float* y, bool accumulate)
        where TFormat : struct, IReducedFormat<TElement>
        where TElement : unmanaged
    {
        var kernel = new Kernel<TFormat, TElement>(rows, k, x, mat, ldm, scales, y, accumulate);
        Simd.Run<Kernel<TFormat, TElement>, float>(ref kernel);
    }

    private readonly struct Kernel<TFormat, TElement>(int rows, int k, float* x, TElement* mat, nint ldm, float* scales, float* y, bool accumulate)
        : ISimdKernel<float>
        where TFormat : struct, IReducedFormat<TElement>
        where TElement : unmanaged
    {
        public void Run<TOps, TVec>()
            where TOps : struct, ISimdOps<TVec, float>, IGemmTile<float>
            where TVec : unmanaged
            => DotRows<TOps, TVec, TFormat, TElement>(rows, k, x, mat, ldm, scales, y, accumulate);
    }

    /// <summary>The product over <paramref name="rows"/> rows of <paramref name="k"/> elements; <paramref name="scales"/>
    /// null means 1 for every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static void DotRows<TOps, TVec, TFormat, TElement>(int rows, int k, float* x, TElement* mat, nint ldm, float* scales, float* y, bool accumulate)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged
        where TFormat : struct, IReducedFormat<TElement>
        where TElement : unmanaged
    {
        int w = TOps.Count;
        int kv = k - k % w;
        float* sums = stackalloc float[8];
        int j = 0;
        for (; j + 8 <= rows; j += 8)
        {
            TElement* m0 = mat + j * ldm;
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            TVec s4 = TOps.Zero, s5 = TOps.Zero, s6 = TOps.Zero, s7 = TOps.Zero;
            for (int p = 0; p < kv; p += w)
            {
                TVec xv = TOps.Load(x + p);
                TElement* r = m0 + p;
                s0 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r), s0);
                s1 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + ldm), s1);
                s2 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 2 * ldm), s2);
                s3 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 3 * ldm), s3);
                s4 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 4 * ldm), s4);
                s5 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 5 * ldm), s5);
                s6 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 6 * ldm), s6);
                s7 = TOps.MultiplyAdd(xv, TFormat.Load<TOps, TVec>(r + 7 * ldm), s7);
            }
            TOps.SumEach(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate: false);
            for (int r = 0; r < 8; r++) Finish<TFormat, TElement>(sums[r], kv, k, x, m0 + r * ldm, scales, j + r, y, accumulate);
        }
        for (; j < rows; j++)
        {
            TElement* m0 = mat + j * ldm;
            TVec s0 = TOps.Zero;
            for (int p = 0; p < kv; p += w) s0 = TOps.MultiplyAdd(TOps.Load(x + p), TFormat.Load<TOps, TVec>(m0 + p), s0);
            Finish<TFormat, TElement>(TOps.Sum(s0), kv, k, x, m0, scales, j, y, accumulate);
        }
    }

    /// <summary>Adds the terms past the last whole register, scales and stores row <paramref name="j"/>'s result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TFormat, TElement>(float sum, int kv, int k, float* x, TElement* row, float* scales, int j, float* y, bool accumulate)
        where TFormat : struct, IReducedFormat<TElement>
        where TElement : unmanaged
    {
        for (int p = kv; p < k; p++) sum += x[p] * TFormat.ToSingle(row[p]);
        if (scales != null) sum *= scales[j];
        y[j] = accumulate ? y[j] + sum : sum;
    }
}
