using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Element-wise loops shared by several kernels, in float and double, at the width <see cref="Simd"/> selects. The
/// callers have checked that <c>count</c> values exist behind every pointer.
/// </summary>
internal static unsafe class Elementwise
{
    /// <summary><c>destination[i] = a[i] + b[i]</c>; <paramref name="destination"/> may be <paramref name="a"/> (accumulation).</summary>
    internal static void Add<T>(T* a, T* b, T* destination, int count) where T : unmanaged, IFloatingPointIeee754<T>
        => Simd.Elements<AddOperator<T>, T>(new(a, b, destination), count);

    /// <summary><c>destination[i] = scale·source[i]</c>; the two may be the same buffer.</summary>
    internal static void Scale<T>(T* source, T* destination, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
        => Simd.Elements<ScaleOperator<T>, T>(new(source, destination, scale), count);

    /// <summary><c>destination[i] = scale·(y[i] − t[i])</c>: the gradient of squared error and of cross-entropy from probabilities.</summary>
    internal static void ScaledDifference<T>(T* y, T* t, T* destination, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
        => Simd.Elements<ScaledDifferenceOperator<T>, T>(new(y, t, destination, scale), count);

    /// <summary>
    /// <see cref="ScaledDifference{T}(T*, T*, T*, int, T)"/> on spans of at least <paramref name="count"/> values, checked
    /// first; the names are the caller's parameters, for the exception.
    /// </summary>
    internal static void ScaledDifference<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> t, Span<T> destination, int count, T scale,
        string yName, string tName, string destinationName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(y.Length, count, yName);
        Shape.Count(t.Length, count, tName);
        Shape.Count(destination.Length, count, destinationName);
        fixed (T* py = y, pt = t, pd = destination) ScaledDifference(py, pt, pd, count, scale);
    }

    private readonly struct AddOperator<T>(T* a, T* b, T* destination) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
            => TOps.Store(TOps.Add(TOps.Load(a + j), TOps.Load(b + j)), destination + j);
    }

    private readonly struct ScaleOperator<T>(T* source, T* destination, T scale) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
            => TOps.Store(TOps.Multiply(TOps.Load(source + j), TOps.Create(scale)), destination + j);
    }

    private readonly struct ScaledDifferenceOperator<T>(T* y, T* t, T* destination, T scale) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
            => TOps.Store(TOps.Multiply(TOps.Create(scale), TOps.Subtract(TOps.Load(y + j), TOps.Load(t + j))), destination + j);
    }
}
