using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

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
        if (start >= values.Length || AllFinite(values[start..])) return;
        for (int i = start; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
                throw new ArgumentException($"Value {values[i]} at index {i} is not finite.", paramName);
        }
    }

    /// <summary>
    /// Whether every value is finite, at the path's width: <c>x − x</c> is 0 for a finite x and NaN for ±∞ and NaN, so the
    /// sum of those differences is 0 exactly when all are finite. Only then is the first bad element looked for, one by one.
    /// </summary>
    private static unsafe bool AllFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* p = values) return Simd.Sum<NonFiniteOperator<T>, T>(new(p), values.Length) == T.Zero;
    }

    private readonly unsafe struct NonFiniteOperator<T>(T* values) : ISumOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        TVec ISumOperator<T>.Invoke<TOps, TVec>(nuint j, TVec total)
        {
            TVec x = TOps.Load(values + j);
            return TOps.Add(total, TOps.Subtract(x, x));
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

    /// <summary>
    /// Per-lane lengths: <paramref name="batch"/> of them, each in <c>[0, steps]</c>, at least one above 0 (0 marks an
    /// unused lane).
    /// </summary>
    public static void Lengths(ReadOnlySpan<int> lengths, int steps, int batch, string paramName)
    {
        if (lengths.Length != batch)
            throw new ArgumentException($"Expected {batch} lengths ([Batch], one per lane), got {lengths.Length}.", paramName);
        bool any = false;
        for (int b = 0; b < batch; b++)
        {
            if ((uint)lengths[b] > (uint)steps)
                throw new ArgumentException($"Length {lengths[b]} of lane {b} is outside [0, {steps}] (0 marks an unused lane).", paramName);
            any |= lengths[b] > 0;
        }
        if (!any) throw new ArgumentException("Every lane has length 0: at least one lane must have a step.", paramName);
    }

    /// <summary>
    /// <see cref="Ids(ReadOnlySpan{int}, int, int, string, string, string, int)"/> over the real positions only: the
    /// ids <c>[steps, batch]</c> of step t and lane b are read when <c>firstStep ≤ t &lt; lengths[b]</c>.
    /// </summary>
    public static void Ids(ReadOnlySpan<int> ids, int expectedLength, int count, string shape, string what, string paramName, ReadOnlySpan<int> lengths, int firstStep = 0)
    {
        Length(ids.Length, expectedLength, shape, paramName);
        int batch = lengths.Length;
        for (int t = firstStep, steps = ids.Length / batch; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int i = t * batch + b;
                if (t < lengths[b] && (uint)ids[i] >= (uint)count)
                    throw new ArgumentException($"{what} {ids[i]} at index {i} (step {t}, lane {b}) is outside [0, {count}).", paramName);
            }
        }
    }

    /// <summary>
    /// <see cref="Finite{T}(ReadOnlySpan{T}, int, string, string, int)"/> over the real positions only: the
    /// <paramref name="width"/> values of step t and lane b are read when <c>firstStep ≤ t &lt; lengths[b]</c>.
    /// </summary>
    public static void Finite<T>(ReadOnlySpan<T> values, int expectedLength, string shape, string paramName, ReadOnlySpan<int> lengths, int width, int firstStep = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Length(values.Length, expectedLength, shape, paramName);
        foreach ((int t, int b, int start) in RealRows(values.Length, lengths, width, firstStep))
        {
            if (AllFinite(values.Slice(start, width))) continue;
            for (int i = start; i < start + width; i++)
                if (!T.IsFinite(values[i]))
                    throw new ArgumentException($"Value {values[i]} at index {i} (step {t}, lane {b}) is not finite.", paramName);
        }
    }

    /// <summary><see cref="Probabilities{T}(ReadOnlySpan{T}, int, string, string, int)"/> over the real positions only.</summary>
    public static void Probabilities<T>(ReadOnlySpan<T> values, int expectedLength, string shape, string paramName, ReadOnlySpan<int> lengths, int width, int firstStep = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Length(values.Length, expectedLength, shape, paramName);
        foreach ((int t, int b, int start) in RealRows(values.Length, lengths, width, firstStep))
        {
            for (int i = start; i < start + width; i++)
                if (!(values[i] >= T.Zero && values[i] <= T.One))
                    throw new ArgumentException($"Target {values[i]} at index {i} (step {t}, lane {b}) is outside [0, 1].", paramName);
        }
    }

    /// <summary>The rows <c>(step, lane, first index)</c> of a <c>[steps, batch, width]</c> tensor that lie within their lane's length, from <paramref name="firstStep"/>.</summary>
    private static RealRowEnumerator RealRows(int count, ReadOnlySpan<int> lengths, int width, int firstStep) => new(count, lengths, width, firstStep);

    private ref struct RealRowEnumerator
    {
        private readonly ReadOnlySpan<int> _lengths;
        private readonly int _steps, _width;
        private int _t, _b;

        public RealRowEnumerator(int count, ReadOnlySpan<int> lengths, int width, int firstStep)
        {
            _lengths = lengths;
            _width = width;
            _steps = count / (lengths.Length * width);
            _t = firstStep;
            _b = -1;
        }

        public readonly RealRowEnumerator GetEnumerator() => this;

        public readonly (int Step, int Lane, int Start) Current => (_t, _b, (_t * _lengths.Length + _b) * _width);

        public bool MoveNext()
        {
            while (_t < _steps)
            {
                if (++_b == _lengths.Length) { _b = -1; _t++; continue; }
                if (_t < _lengths[_b]) return true;
            }
            return false;
        }
    }
}
