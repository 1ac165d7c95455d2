namespace RnnGen.Kernels;

/// <summary>
/// Argument checks that run before a kernel's unchecked inner loops: once they pass, every access the loops make is
/// inside the spans, which is what makes their <c>Unsafe.Add</c>/<c>LoadUnsafe</c> addressing safe.
/// </summary>
internal static class Shape
{
    /// <summary>
    /// Throws unless a span of <paramref name="length"/> values holds <paramref name="rows"/> rows of <paramref name="columns"/>
    /// values whose starts are <paramref name="stride"/> apart (the last row needs only its <paramref name="columns"/>).
    /// </summary>
    internal static void Rows(int length, int rows, long columns, long stride, string paramName)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(paramName, rows, "The number of rows must not be negative.");
        if (columns < 0) throw new ArgumentOutOfRangeException(paramName, columns, "The number of columns must not be negative.");
        if (stride < columns)
            throw new ArgumentOutOfRangeException(paramName, stride, $"The leading dimension {stride} is smaller than the row width {columns}.");
        long needed = rows == 0 || columns == 0 ? 0 : (rows - 1L) * stride + columns;
        if (length < needed)
            throw new ArgumentException($"Expected at least {needed} values ({rows} rows of {columns}, {stride} apart), got {length}.", paramName);
    }

    /// <summary>Throws unless a span of <paramref name="length"/> values holds <paramref name="count"/>.</summary>
    internal static void Count(int length, long count, string paramName)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(paramName, count, "The count must not be negative.");
        if (length < count) throw new ArgumentException($"Expected at least {count} values, got {length}.", paramName);
    }

    /// <summary>Throws unless <paramref name="index"/> lies in <c>[0, count)</c>.</summary>
    internal static void Index(int index, int count, string what, string paramName)
    {
        if ((uint)index >= (uint)count) throw new ArgumentException($"{what} {index} is outside [0, {count}).", paramName);
    }
}
