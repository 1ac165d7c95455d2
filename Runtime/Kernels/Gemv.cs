using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Matrix–vector products for GEMM calls with a single row (m = 1: a recurrent step at batch 1) or, for NT, a single
/// column. They are bound by memory bandwidth, not arithmetic, so they read the matrix exactly once, in its stored
/// order, and pack nothing: packing would double the traffic.
/// </summary>
internal static unsafe class Gemv
{
    /// <summary>The matrix the current thread's last <see cref="DotRows{TOps, TVec, T}"/> call read, and whether it read
    /// it bottom-up; see <see cref="DotRows{TOps, TVec, T}"/>.</summary>
    [ThreadStatic] private static nint t_lastRows;
    [ThreadStatic] private static bool t_lastReversed;

    /// <summary>
    /// <c>y[j·incY] (+)= Σ_p x[p]·m[j·ldm + p]</c> for <c>j &lt; rows</c>: dot products of a contiguous vector with
    /// contiguous rows (NT with m = 1, where the rows are B's; NT with n = 1, where they are A's).
    /// </summary>
    /// <remarks>
    /// <para>Eight rows at a time: each load of x serves eight FMA chains (enough independent chains to hide the FMA
    /// latency), and the eight accumulators are reduced jointly (<see cref="ISimdOps{TVec, T}.SumEach"/>): reducing
    /// each row on its own would cost as much as the multiply-adds of a short row (bench/RESULTS.md).</para>
    /// <para>A recurrent step calls this with the same matrix step after step. When the previous call on this thread read
    /// the same matrix, this one walks the row groups in the opposite order, so it starts on the rows the last call ended
    /// on, which are still in L1 (and, for a matrix about the size of L2, in L2). Every y[j] is computed the same way in
    /// either order, so the results do not depend on it.</para>
    /// <para>Rows that do not start on a 64-byte boundary make every load straddle two cache lines, so a model's
    /// parameters live in a 64-byte aligned <see cref="Memory.AlignedBuffer{T}"/> (a plain <c>T[]</c> is only 8-byte
    /// aligned). Loads are not realigned per row: the masked head and tail blocks and a lane rotation per row would cost
    /// more than the split loads at k = 128. The lane a term lands in depends only on p, so results never depend on the
    /// matrix's alignment.</para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotRows<TOps, TVec, T>(int rows, int k, T* x, T* mat, nint ldm, T* y, nint incY, bool accumulate)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool reversed = t_lastRows == (nint)mat && !t_lastReversed;
        t_lastRows = (nint)mat;
        t_lastReversed = reversed;
        int w = TOps.Count;
        int kv = k - k % w;
        int groups = rows / 8;
        for (int g = 0; g < groups; g++)
        {
            int j = 8 * (reversed ? groups - 1 - g : g);
            T* m0 = mat + j * ldm;
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            TVec s4 = TOps.Zero, s5 = TOps.Zero, s6 = TOps.Zero, s7 = TOps.Zero;
            for (int p = 0; p < kv; p += w)
            {
                TVec xv = TOps.Load(x + p);
                T* r = m0 + p;
                s0 = TOps.MultiplyAdd(xv, TOps.Load(r), s0);
                s1 = TOps.MultiplyAdd(xv, TOps.Load(r + ldm), s1);
                s2 = TOps.MultiplyAdd(xv, TOps.Load(r + 2 * ldm), s2);
                s3 = TOps.MultiplyAdd(xv, TOps.Load(r + 3 * ldm), s3);
                s4 = TOps.MultiplyAdd(xv, TOps.Load(r + 4 * ldm), s4);
                s5 = TOps.MultiplyAdd(xv, TOps.Load(r + 5 * ldm), s5);
                s6 = TOps.MultiplyAdd(xv, TOps.Load(r + 6 * ldm), s6);
                s7 = TOps.MultiplyAdd(xv, TOps.Load(r + 7 * ldm), s7);
            }
            FinishGroup<TOps, TVec, T>(s0, s1, s2, s3, s4, s5, s6, s7, kv, k, x, m0, ldm, y + j * incY, incY, accumulate);
        }
        DotRowsOneByOne<TOps, TVec, T>(8 * groups, rows, k, x, mat, ldm, y, incY, accumulate);
    }

    /// <summary>
    /// Ends a group of eight dot products whose first <paramref name="kv"/> terms are in the lanes of
    /// <paramref name="s0"/>…<paramref name="s7"/>: sums the lanes, adds the terms <c>p ≥ kv</c> (a k that is not a whole
    /// number of registers) in scalars and stores the eight results <paramref name="incY"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishGroup<TOps, TVec, T>(TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7,
        int kv, int k, T* x, T* m0, nint ldm, T* y, nint incY, bool accumulate)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (kv == k && incY == 1) TOps.SumEach(s0, s1, s2, s3, s4, s5, s6, s7, y, accumulate);
        else FinishGroupInScalars<TOps, TVec, T>(s0, s1, s2, s3, s4, s5, s6, s7, kv, k, x, m0, ldm, y, incY, accumulate);
    }

    /// <summary>The rare ending of <see cref="FinishGroup"/>: a k tail or a strided y. Kept out of line because its
    /// stackalloc would stop the JIT from inlining <see cref="FinishGroup"/>, and passing eight vectors to a call is a
    /// large part of a short product (bench/RESULTS.md).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FinishGroupInScalars<TOps, TVec, T>(TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7,
        int kv, int k, T* x, T* m0, nint ldm, T* y, nint incY, bool accumulate)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* sums = stackalloc T[8];
        TOps.SumEach(s0, s1, s2, s3, s4, s5, s6, s7, sums, accumulate: false);
        for (int r = 0; r < 8; r++)
        {
            T* mr = m0 + r * ldm;
            T d = sums[r];
            for (int p = kv; p < k; p++) d += x[p] * mr[p];
            Put(y + r * incY, d, accumulate);
        }
    }

    /// <summary>Rows <paramref name="from"/> to <paramref name="rows"/> (fewer than eight) one at a time.</summary>
    private static void DotRowsOneByOne<TOps, TVec, T>(int from, int rows, int k, T* x, T* mat, nint ldm, T* y, nint incY, bool accumulate)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        int kv = k - k % w;
        for (int j = from; j < rows; j++)
        {
            T* m0 = mat + j * ldm;
            TVec s0 = TOps.Zero;
            for (int p = 0; p < kv; p += w) s0 = TOps.MultiplyAdd(TOps.Load(x + p), TOps.Load(m0 + p), s0);
            T d0 = TOps.Sum(s0);
            for (int p = kv; p < k; p++) d0 += x[p] * m0[p];
            Put(y + j * incY, d0, accumulate);
        }
    }

    /// <summary>
    /// <c>y[j] (+)= Σ_p x[p·incX]·m[p·ldm + j]</c> for <c>j &lt; n</c>: a linear combination of rows (NN and TN with m = 1;
    /// TN's single column of A is the strided <paramref name="x"/>). Each pass keeps a strip of y in registers while it
    /// walks every row, so the matrix is read once whatever n is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CombineRows<TOps, TVec, T>(int k, int n, T* x, nint incX, T* mat, nint ldm, T* y, bool accumulate)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        int j = 0;
        // Strips of 8 registers: 8 independent FMA chains, and 512 contiguous bytes per matrix row (Vector512), long
        // enough for the prefetchers when rows are far apart.
        for (; j + 8 * w <= n; j += 8 * w)
        {
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            TVec s4 = TOps.Zero, s5 = TOps.Zero, s6 = TOps.Zero, s7 = TOps.Zero;
            T* mp = mat + j;
            T* xp = x;
            for (int p = 0; p < k; p++)
            {
                TVec xv = TOps.Broadcast(xp);
                s0 = TOps.MultiplyAdd(xv, TOps.Load(mp), s0);
                s1 = TOps.MultiplyAdd(xv, TOps.Load(mp + w), s1);
                s2 = TOps.MultiplyAdd(xv, TOps.Load(mp + 2 * w), s2);
                s3 = TOps.MultiplyAdd(xv, TOps.Load(mp + 3 * w), s3);
                s4 = TOps.MultiplyAdd(xv, TOps.Load(mp + 4 * w), s4);
                s5 = TOps.MultiplyAdd(xv, TOps.Load(mp + 5 * w), s5);
                s6 = TOps.MultiplyAdd(xv, TOps.Load(mp + 6 * w), s6);
                s7 = TOps.MultiplyAdd(xv, TOps.Load(mp + 7 * w), s7);
                mp += ldm;
                xp += incX;
            }
            Put<TOps, TVec, T>(y + j, s0, accumulate);
            Put<TOps, TVec, T>(y + j + w, s1, accumulate);
            Put<TOps, TVec, T>(y + j + 2 * w, s2, accumulate);
            Put<TOps, TVec, T>(y + j + 3 * w, s3, accumulate);
            Put<TOps, TVec, T>(y + j + 4 * w, s4, accumulate);
            Put<TOps, TVec, T>(y + j + 5 * w, s5, accumulate);
            Put<TOps, TVec, T>(y + j + 6 * w, s6, accumulate);
            Put<TOps, TVec, T>(y + j + 7 * w, s7, accumulate);
        }
        for (; j + w <= n; j += w)
        {
            TVec s0 = TOps.Zero;
            T* mp = mat + j;
            T* xp = x;
            for (int p = 0; p < k; p++)
            {
                s0 = TOps.MultiplyAdd(TOps.Broadcast(xp), TOps.Load(mp), s0);
                mp += ldm;
                xp += incX;
            }
            Put<TOps, TVec, T>(y + j, s0, accumulate);
        }
        for (; j < n; j++)
        {
            T s = T.Zero;
            for (int p = 0; p < k; p++) s += x[p * incX] * mat[p * ldm + j];
            Put(y + j, s, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Put<T>(T* y, T value, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        => *y = accumulate ? *y + value : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TOps, TVec, T>(T* y, TVec value, bool accumulate)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        => TOps.Store(accumulate ? TOps.Add(TOps.Load(y), value) : value, y);
}
