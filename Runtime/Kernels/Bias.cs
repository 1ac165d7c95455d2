using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>Row-broadcast of bias vectors and their gradients (column sums).</summary>
public static unsafe class Bias
{
    /// <summary>Sets every row of <c>C[rows×n]</c> to <paramref name="bias"/>: the start of <c>C = bias + X·Wᵀ</c>.</summary>
    public static void Broadcast<T>(Span<T> c, int rows, int n, int ldc, ReadOnlySpan<T> bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(c.Length, rows, n, ldc, nameof(c));
        Shape.Count(bias.Length, n, nameof(bias));
        // A row copy is the runtime's vectorized memmove already.
        bias = bias[..n];
        for (int r = 0; r < rows; r++) bias.CopyTo(c.Slice(r * ldc, n));
    }

    /// <summary><c>out[j] = a[j] + b[j]</c>, e.g. the combined bias <c>b_ih + b_hh</c> of a gate block.</summary>
    public static void Sum<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length != b.Length || output.Length < a.Length) throw new ArgumentException("Bias vectors must have the same length.", nameof(b));
        fixed (T* pa = a, pb = b, po = output) Elementwise.Add(pa, pb, po, a.Length);
    }

    /// <summary><c>db[j] += Σ_r dY[r, j]</c>: the gradient of a bias broadcast over <paramref name="rows"/> rows.</summary>
    /// <remarks>
    /// The rows are taken eight at a time: for each block of columns, eight rows are summed in SIMD registers and then
    /// added to <paramref name="db"/>, which stays in L1. Walking a block of columns down all the rows instead (one update
    /// of db in total) strides through memory a row apart, which is several times slower on large matrices; adding row by
    /// row into db costs a load and a store of db per row.
    /// </remarks>
    public static void AccumulateColumnSums<T>(ReadOnlySpan<T> dy, int rows, int n, int ldy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(dy.Length, rows, n, ldy, nameof(dy));
        Shape.Count(db.Length, n, nameof(db));
        fixed (T* y = dy, d = db)
        {
            var kernel = new ColumnSums<T>(y, rows, n, ldy, d);
            Simd.Run<ColumnSums<T>, T>(ref kernel);
        }
    }

    /// <summary>The blocks of <see cref="RowBlock"/> rows, each narrowing from the path's width down to single columns.</summary>
    private struct ColumnSums<T>(T* dy, int rows, int n, int ldy, T* db) : ISimdKernel<T>, ISimdLanes<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private const int RowBlock = 8;
        private T* _block;
        private int _count;

        void ISimdKernel<T>.Run<TOps, TVec>()
        {
            for (int r = 0; r < rows; r += RowBlock)
            {
                _block = dy + (nint)r * ldy;
                _count = Math.Min(RowBlock, rows - r);
                Simd.Narrowing<ColumnSums<T>, TOps, TVec, T>(ref this);
            }
        }

        int ISimdLanes<T>.Run<TOps, TVec>(int start)
            => Lanes<TOps, TVec>(_block, _count, n, ldy, db, start);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // own root, optimized at once: see Simd
        private static int Lanes<TOps, TVec>(T* dy, int rows, int n, nint ldy, T* db, int j)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            int c = TOps.Count;
            // Four registers of columns: four independent addition chains hide the add latency.
            for (; j <= n - 4 * c; j += 4 * c)
            {
                TVec s0 = TOps.Zero, s1 = s0, s2 = s0, s3 = s0;
                T* row = dy + j;
                for (int r = 0; r < rows; r++)
                {
                    s0 = TOps.Add(s0, TOps.Load(row));
                    s1 = TOps.Add(s1, TOps.Load(row + c));
                    s2 = TOps.Add(s2, TOps.Load(row + 2 * c));
                    s3 = TOps.Add(s3, TOps.Load(row + 3 * c));
                    row += ldy;
                }
                T* d = db + j;
                TOps.Store(TOps.Add(TOps.Load(d), s0), d);
                TOps.Store(TOps.Add(TOps.Load(d + c), s1), d + c);
                TOps.Store(TOps.Add(TOps.Load(d + 2 * c), s2), d + 2 * c);
                TOps.Store(TOps.Add(TOps.Load(d + 3 * c), s3), d + 3 * c);
            }
            for (; j <= n - c; j += c)
            {
                TVec s = TOps.Zero;
                T* row = dy + j;
                for (int r = 0; r < rows; r++)
                {
                    s = TOps.Add(s, TOps.Load(row));
                    row += ldy;
                }
                TOps.Store(TOps.Add(TOps.Load(db + j), s), db + j);
            }
            return j;
        }
    }
}
