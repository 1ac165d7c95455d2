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

    /// <summary>Sets <paramref name="rows"/>×<paramref name="cols"/> values, rows <paramref name="ld"/> apart, to zero.</summary>
    public static void ClearRows<T>(Span<T> target, int ld, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) target.Slice(r * ld, cols).Clear();
    }
}
