using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Memory;

namespace RnnGen.Kernels;

/// <summary>
/// Copies blocks of A and B into the layouts the micro-kernels stream through (BLIS "packing"): a micro-panel holds, for
/// each step p of the depth, the <c>width</c> values the kernel needs at that step side by side, so the kernel reads
/// one contiguous run of memory instead of <c>width</c> rows far apart. Short panels are padded with zeros, which lets
/// every kernel run at full width. Which operand needs a transpose depends on the GEMM form: a micro-panel of A is
/// <c>MR</c> rows of A transposed (N forms) or copied (TN); a panel of B is <c>NR</c> columns copied (NN, TN) or
/// <c>NR</c> rows of B transposed (NT).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// <c>dst[p·width + r] = src[r·ld + p]</c> for <c>r &lt; rows</c>, <c>p &lt; kc</c>, and zero for
    /// <c>rows ≤ r &lt; width</c>: <paramref name="rows"/> rows of a row-major matrix become the columns of a panel.
    /// </summary>
    /// <remarks><paramref name="vectorized"/> selects 8×8 (float) or 4×4 (double) AVX register transposes where AVX
    /// exists; the scalar path passes false so that its tests cover the scalar transpose too.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackTransposed<T>(T* src, nint ld, int rows, int kc, T* dst, int width, bool vectorized)
        where T : unmanaged
    {
        int r = 0;
        if (vectorized && Avx.IsSupported)
        {
            if (typeof(T) == typeof(float))
            {
                for (; r + 8 <= rows; r += 8)
                {
                    int p = 0;
                    for (; p + 8 <= kc; p += 8)
                        Transpose8x8((float*)src + r * ld + p, ld, (float*)dst + p * width + r, width);
                    CopyTransposed(src + r * ld, ld, 8, p, kc, dst + r, width);
                }
            }
            else if (typeof(T) == typeof(double))
            {
                for (; r + 4 <= rows; r += 4)
                {
                    int p = 0;
                    for (; p + 4 <= kc; p += 4)
                        Transpose4x4((double*)src + r * ld + p, ld, (double*)dst + p * width + r, width);
                    CopyTransposed(src + r * ld, ld, 4, p, kc, dst + r, width);
                }
            }
        }
        if (r < rows) CopyTransposed(src + r * ld, ld, rows - r, 0, kc, dst + r, width);
        ZeroColumns(dst, rows, width, kc);
    }

    /// <summary>
    /// Packs <paramref name="cols"/> columns of <paramref name="kc"/> rows (<c>src[p·ld + j]</c>) into panels of
    /// <paramref name="width"/> columns, <paramref name="panelStride"/> elements apart: panel q gets
    /// <c>dst[q·panelStride + p·width + j'] = src[p·ld + q·width + j']</c>, zero-padded past <paramref name="cols"/>.
    /// </summary>
    /// <remarks>
    /// A band of <see cref="PackCopyBand"/> source rows at a time, panel by panel within the band: each panel receives
    /// a run of whole cache lines (8 rows × 8 floats = 4 lines for an A micro-panel) before the next is touched. Row by
    /// row would write a few bytes to every panel in turn, and panels a power of two apart (8 KB for an A micro-panel of
    /// 256 steps) share one L1 set, so with more panels than ways each line would be evicted before its second write.
    /// The band keeps the source rows' pages few at a time, which a panel-by-panel order over all rows would not (TN's
    /// A with thousands of columns).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackCopy<T>(T* src, nint ld, int cols, int kc, T* dst, int width, nint panelStride, bool vectorized)
        where T : unmanaged
    {
        int full = cols / width * width;
        for (int p0 = 0; p0 < kc; p0 += PackCopyBand)
        {
            int p1 = Math.Min(kc, p0 + PackCopyBand);
            T* panel = dst;
            for (int j = 0; j < full; j += width, panel += panelStride)
                for (int p = p0; p < p1; p++) CopyRun(src + p * ld + j, panel + p * width, width, vectorized);
            if (full < cols)
            {
                for (int p = p0; p < p1; p++)
                {
                    CopyRun(src + p * ld + full, panel + p * width, cols - full, vectorized);
                    new Span<T>(panel + p * width + cols - full, width - (cols - full)).Clear();
                }
            }
        }
    }

    /// <summary>Source rows <see cref="PackCopy{T}"/> packs per band: at 8, an A micro-panel's part of a band is four whole
    /// cache lines, and the band's rows fit a few L1 ways even when they are a power of two apart.</summary>
    private const int PackCopyBand = 8;

    /// <summary>Copies a short run of a panel row; a call to <c>Memmove</c> per 8-element run would cost more than the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun<T>(T* src, T* dst, int count, bool vectorized)
        where T : unmanaged
    {
        int i = 0;
        if (vectorized && Vector256.IsHardwareAccelerated)
            for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count) Vector256.Store(Vector256.Load(src + i), dst + i);
        else if (vectorized && Vector128.IsHardwareAccelerated)
            for (; i + Vector128<T>.Count <= count; i += Vector128<T>.Count) Vector128.Store(Vector128.Load(src + i), dst + i);
        for (; i < count; i++) dst[i] = src[i];
    }

    /// <summary>Scalar transpose of rows × steps [from, to): reads along rows, writes down panel columns.</summary>
    private static void CopyTransposed<T>(T* src, nint ld, int rows, int from, int to, T* dst, int width)
        where T : unmanaged
    {
        for (int r = 0; r < rows; r++)
        {
            T* s = src + r * ld;
            T* d = dst + r;
            for (int p = from; p < to; p++) d[p * width] = s[p];
        }
    }

    private static void ZeroColumns<T>(T* dst, int from, int width, int kc)
        where T : unmanaged
    {
        if (from >= width) return;
        for (int p = 0; p < kc; p++) new Span<T>(dst + p * width + from, width - from).Clear();
    }

    /// <summary>The standard AVX 8×8 float transpose: unpack pairs, shuffle quads, swap 128-bit halves (24 shuffles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint ld, float* dst, int ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ld), r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ld), r5 = Avx.LoadVector256(src + 5 * ld);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * ld), r7 = Avx.LoadVector256(src + 7 * ld);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>The AVX 4×4 double transpose: unpack pairs, then swap 128-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* src, nint ld, double* dst, int ldd)
    {
        Vector256<double> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ld);
        Vector256<double> r2 = Avx.LoadVector256(src + 2 * ld), r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(t1, t3, 0x31));
    }
}

/// <summary>
/// Per-thread packing buffers. Each is allocated the first time a thread needs it and replaced only when a call needs
/// more than it holds, so steady-state GEMM calls allocate nothing; the arrays are pinned (pinned object heap, via
/// <see cref="AlignedBuffer{T}"/>), so the kernels may keep raw pointers to them, and 64-byte aligned, so no vector load
/// of a packed panel straddles two cache lines.
/// </summary>
internal static unsafe class GemmBuffers<T>
    where T : unmanaged
{
    [ThreadStatic] private static AlignedBuffer<T>? t_a;
    [ThreadStatic] private static AlignedBuffer<T>? t_b;
    [ThreadStatic] private static AlignedBuffer<T>? t_tile;

    /// <summary>Room for a packed block of A (MC × KC).</summary>
    internal static T* A(int length) => Get(ref t_a, length);

    /// <summary>Room for a packed block of B (KC × NC).</summary>
    internal static T* B(int length) => Get(ref t_b, length);

    /// <summary>Room for one edge tile (MR × NR), where kernels write before the valid part is merged into C.</summary>
    internal static T* Tile(int length) => Get(ref t_tile, length);

    private static T* Get(ref AlignedBuffer<T>? slot, int length)
    {
        if (slot is null || slot.Length < length) slot = new AlignedBuffer<T>(length);
        return (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(slot.Span));
    }
}
