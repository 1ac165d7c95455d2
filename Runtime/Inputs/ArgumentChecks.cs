using System.Numerics;

namespace RnnGen.Inputs;

/// <summary>
/// Checks of what callers pass to a generated model, run before anything changes. Each throws an
/// <see cref="ArgumentException"/> that names the argument, the expected shape and the first bad element.
/// </summary>
public static class ArgumentChecks
{
    /// <summary>Length must be <paramref name="expected"/> (<paramref name="shape"/> names it for the message).</summary>
    public static void Length(int actual, int expected, string shape, string paramName)
    {
        if (actual != expected)
            throw new ArgumentException($"Expected {expected} values ({shape}), got {actual}.", paramName);
    }

    /// <summary>Every id from index <paramref name="start"/> on must lie in <c>[0, count)</c> (ids before it are not read).</summary>
    public static void Ids(ReadOnlySpan<int> ids, int expectedLength, int count, string shape, string what, string paramName, int start = 0)
    {
        Length(ids.Length, expectedLength, shape, paramName);
        for (int i = start; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)count)
                throw new ArgumentException($"{what} {ids[i]} at index {i} is outside [0, {count}).", paramName);
        }
    }

    /// <summary>Every value from index <paramref name="start"/> on must be finite.</summary>
    public static void Finite<T>(ReadOnlySpan<T> values, int expectedLength, string shape, string paramName, int start = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Length(values.Length, expectedLength, shape, paramName);
        for (int i = start; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
                throw new ArgumentException($"Value {values[i]} at index {i} is not finite.", paramName);
        }
    }

    /// <summary>Every value from index <paramref name="start"/> on must lie in <c>[0, 1]</c> (binary cross-entropy targets).</summary>
    public static void Probabilities<T>(ReadOnlySpan<T> values, int expectedLength, string shape, string paramName, int start = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Length(values.Length, expectedLength, shape, paramName);
        for (int i = start; i < values.Length; i++)
        {
            if (!(values[i] >= T.Zero && values[i] <= T.One))
                throw new ArgumentException($"Target {values[i]} at index {i} is outside [0, 1].", paramName);
        }
    }
}
