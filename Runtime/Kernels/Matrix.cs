namespace RnnGen.Kernels;

/// <summary>Copies between matrices with different leading dimensions.</summary>
public static class Matrix
{
    /// <summary>Copies <paramref name="rows"/>×<paramref name="cols"/> values from rows <paramref name="ldSource"/> apart to rows <paramref name="ldTarget"/> apart.</summary>
    public static void CopyRows<T>(ReadOnlySpan<T> source, int ldSource, Span<T> target, int ldTarget, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) source.Slice(r * ldSource, cols).CopyTo(target.Slice(r * ldTarget, cols));
    }

    /// <summary><c>target[i] += source[i]</c> for every element of <paramref name="source"/>.</summary>
    public static void Add<T>(ReadOnlySpan<T> source, Span<T> target) where T : System.Numerics.INumberBase<T>
    {
        if (target.Length < source.Length) throw new ArgumentException($"Target has {target.Length} elements, source {source.Length}.", nameof(target));
        for (int i = 0; i < source.Length; i++) target[i] += source[i];
    }

    /// <summary><c>destination[i] = a[i] + b[i]</c> over <paramref name="destination"/> (which may be <paramref name="a"/>), a vector at a time.</summary>
    public static void AddRow<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        int n = destination.Length, i = 0;
        if (a.Length < n || b.Length < n) throw new ArgumentException($"Rows of {a.Length} and {b.Length} values cannot fill {n}.", nameof(destination));
        if (System.Numerics.Vector.IsHardwareAccelerated && System.Numerics.Vector<T>.IsSupported)
        {
            for (; i <= n - System.Numerics.Vector<T>.Count; i += System.Numerics.Vector<T>.Count)
                (new System.Numerics.Vector<T>(a[i..]) + new System.Numerics.Vector<T>(b[i..])).CopyTo(destination[i..]);
        }
        for (; i < n; i++) destination[i] = a[i] + b[i];
    }

    /// <summary><c>target[j, i] = source[i, j]</c>: <paramref name="source"/> is rows × cols (row-major), <paramref name="target"/> cols × rows.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> target) where T : unmanaged
    {
        if (source.Length < rows * cols || target.Length < rows * cols)
            throw new ArgumentException($"A {rows}×{cols} transpose needs {rows * cols} values in both spans.", nameof(target));
        // Tiles of 16×16 keep both the rows read and the rows written in L1.
        const int tile = 16;
        for (int i0 = 0; i0 < rows; i0 += tile)
            for (int j0 = 0; j0 < cols; j0 += tile)
                for (int i = i0; i < Math.Min(rows, i0 + tile); i++)
                    for (int j = j0; j < Math.Min(cols, j0 + tile); j++)
                        target[j * rows + i] = source[i * cols + j];
    }

    /// <summary><c>target[j, i] += source[i, j]</c>: <paramref name="source"/> is rows × cols, <paramref name="target"/> cols × rows.</summary>
    public static void AddTransposed<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> target) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (source.Length < rows * cols || target.Length < rows * cols)
            throw new ArgumentException($"A {rows}×{cols} transpose needs {rows * cols} values in both spans.", nameof(target));
        const int tile = 16;
        for (int i0 = 0; i0 < rows; i0 += tile)
            for (int j0 = 0; j0 < cols; j0 += tile)
                for (int i = i0; i < Math.Min(rows, i0 + tile); i++)
                    for (int j = j0; j < Math.Min(cols, j0 + tile); j++)
                        target[j * rows + i] += source[i * cols + j];
    }

    /// <summary>Sets <paramref name="rows"/>×<paramref name="cols"/> values, rows <paramref name="ld"/> apart, to zero.</summary>
    public static void ClearRows<T>(Span<T> target, int ld, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) target.Slice(r * ld, cols).Clear();
    }
}
