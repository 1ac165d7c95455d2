using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>Row-broadcast of bias vectors and their gradients (column sums).</summary>
public static class Bias
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
        if (typeof(T) == typeof(float))
        {
            Elementwise.Add(ref SpanRef.Float(a), ref SpanRef.Float(b), ref SpanRef.Float(output), a.Length);
            return;
        }

        for (int j = 0; j < a.Length; j++) output[j] = a[j] + b[j];
    }

    /// <summary><c>db[j] += Σ_r dY[r, j]</c>: the gradient of a bias broadcast over <paramref name="rows"/> rows.</summary>
    /// <remarks>
    /// In single precision the rows are taken eight at a time: for each block of columns, eight rows are summed in SIMD
    /// registers and then added to <paramref name="db"/>, which stays in L1. Walking a block of columns down all the rows
    /// instead (one update of db in total) strides through memory a row apart and was 1.5× (512 rows of 512) to 4×
    /// (4096 rows of 2048) slower; adding row by row into db costs a load and a store of db per row.
    /// </remarks>
    public static void AccumulateColumnSums<T>(ReadOnlySpan<T> dy, int rows, int n, int ldy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(dy.Length, rows, n, ldy, nameof(dy));
        Shape.Count(db.Length, n, nameof(db));
        if (typeof(T) == typeof(float))
        {
            ref float y = ref SpanRef.Float(dy), d = ref SpanRef.Float(db);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: ColumnSums<Simd512>(ref y, rows, n, ldy, ref d); break;
                case SimdWidth.Vector256: ColumnSums<Simd256>(ref y, rows, n, ldy, ref d); break;
                default: ColumnSums<Simd1>(ref y, rows, n, ldy, ref d); break;
            }
            return;
        }

        db = db[..n];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = dy.Slice(r * ldy, n);
            for (int j = 0; j < n; j++) db[j] += row[j];
        }
    }

    private static void ColumnSums<TV>(ref float dy, int rows, int n, int ldy, ref float db) where TV : struct, ISimdFloat<TV>
    {
        const int RowBlock = 8;
        for (int r = 0; r < rows; r += RowBlock)
        {
            ref float block = ref Unsafe.Add(ref dy, (nint)r * ldy);
            int count = Math.Min(RowBlock, rows - r);
            int j = ColumnSumLanes<TV>(ref block, count, n, ldy, ref db, 0);
            if (TV.Count > Simd256.Count) j = ColumnSumLanes<Simd256>(ref block, count, n, ldy, ref db, j);
            if (TV.Count > Simd1.Count) ColumnSumLanes<Simd1>(ref block, count, n, ldy, ref db, j);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int ColumnSumLanes<TV>(ref float dy, int rows, int n, int ldy, ref float db, int j) where TV : struct, ISimdFloat<TV>
    {
        nuint c = (nuint)TV.Count;
        // Four registers of columns: four independent addition chains hide the add latency.
        // (Called with a few rows at a time: see the remarks on AccumulateColumnSums.)
        for (; j <= n - 4 * TV.Count; j += 4 * TV.Count)
        {
            TV s0 = TV.Create(0f), s1 = s0, s2 = s0, s3 = s0;
            ref float row = ref Unsafe.Add(ref dy, j);
            for (int r = 0; r < rows; r++)
            {
                s0 += TV.Load(ref row, 0);
                s1 += TV.Load(ref row, c);
                s2 += TV.Load(ref row, 2 * c);
                s3 += TV.Load(ref row, 3 * c);
                row = ref Unsafe.Add(ref row, ldy);
            }
            nuint k = (nuint)j;
            TV.Store(TV.Load(ref db, k) + s0, ref db, k);
            TV.Store(TV.Load(ref db, k + c) + s1, ref db, k + c);
            TV.Store(TV.Load(ref db, k + 2 * c) + s2, ref db, k + 2 * c);
            TV.Store(TV.Load(ref db, k + 3 * c) + s3, ref db, k + 3 * c);
        }
        for (; j <= n - TV.Count; j += TV.Count)
        {
            TV s = TV.Create(0f);
            ref float row = ref Unsafe.Add(ref dy, j);
            for (int r = 0; r < rows; r++)
            {
                s += TV.Load(ref row, 0);
                row = ref Unsafe.Add(ref row, ldy);
            }
            TV.Store(TV.Load(ref db, (nuint)j) + s, ref db, (nuint)j);
        }
        return j;
    }
}
