namespace RnnGen.Kernels;

/// <summary>Copies between matrices with different leading dimensions.</summary>
public static class Matrix
{
    /// <summary>Copies <paramref name="rows"/>×<paramref name="cols"/> values from rows <paramref name="ldSource"/> apart to rows <paramref name="ldTarget"/> apart.</summary>
    public static void CopyRows<T>(ReadOnlySpan<T> source, int ldSource, Span<T> target, int ldTarget, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) source.Slice(r * ldSource, cols).CopyTo(target.Slice(r * ldTarget, cols));
    }

    /// <summary><c>target[i] += source[i]</c> for every element of <paramref name="source"/>, at the SIMD path's width.</summary>
    public static unsafe void Add<T>(ReadOnlySpan<T> source, Span<T> target) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (target.Length < source.Length) throw new ArgumentException($"Target has {target.Length} elements, source {source.Length}.", nameof(target));
        fixed (T* s = source, t = target) Elementwise.Add(t, s, t, source.Length);
    }

    /// <summary><c>target[j, i] = source[i, j]</c>: <paramref name="source"/> is rows × cols (row-major), <paramref name="target"/> cols × rows.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> target) where T : unmanaged, System.Numerics.INumberBase<T> =>
        Transposed(source, rows, cols, target, accumulate: false);

    /// <summary><c>target[j, i] += source[i, j]</c>: <paramref name="source"/> is rows × cols, <paramref name="target"/> cols × rows.</summary>
    public static void AddTransposed<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> target) where T : unmanaged, System.Numerics.INumberBase<T> =>
        Transposed(source, rows, cols, target, accumulate: true);

    private static void Transposed<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> target, bool accumulate) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (source.Length < rows * cols || target.Length < rows * cols)
            throw new ArgumentException($"A {rows}×{cols} transpose needs {rows * cols} values in both spans.", nameof(target));
        // Tiles of 16×16 keep both the rows read and the rows written in L1.
        const int tile = 16;
        for (int i0 = 0; i0 < rows; i0 += tile)
            for (int j0 = 0; j0 < cols; j0 += tile)
                for (int i = i0; i < Math.Min(rows, i0 + tile); i++)
                    for (int j = j0; j < Math.Min(cols, j0 + tile); j++)
                        target[j * rows + i] = accumulate ? target[j * rows + i] + source[i * cols + j] : source[i * cols + j];
    }

    /// <summary>Sets <paramref name="rows"/>×<paramref name="cols"/> values, rows <paramref name="ld"/> apart, to zero.</summary>
    public static void ClearRows<T>(Span<T> target, int ld, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) target.Slice(r * ld, cols).Clear();
    }
}
