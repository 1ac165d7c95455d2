using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Kernels;

/// <summary>
/// First-element references of spans, for kernels that have checked the lengths (<see cref="Shape"/>) and then address
/// with <see cref="Unsafe.Add{T}(ref T, nuint)"/> so their loops carry no bounds checks.
/// </summary>
internal static class SpanRef
{
    /// <summary>The first element of a span of <typeparamref name="T"/> known to be <see cref="float"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref float Float<T>(Span<T> span) => ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(span));

    /// <summary>The first element of a read-only span of <typeparamref name="T"/> known to be <see cref="float"/>; the kernel only reads it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref float Float<T>(ReadOnlySpan<T> span) => ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(span));

    /// <summary>The first element of a read-only span; the kernel only reads it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref T Of<T>(ReadOnlySpan<T> span) => ref MemoryMarshal.GetReference(span);

    /// <summary>The first element of a span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref T Of<T>(Span<T> span) => ref MemoryMarshal.GetReference(span);
}
