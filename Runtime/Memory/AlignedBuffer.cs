using System.Runtime.CompilerServices;

namespace RnnGen.Memory;

/// <summary>
/// A fixed-length buffer whose first element sits on a 64-byte boundary (one cache line, one <c>Vector512</c>).
/// It lives in a pinned array on the pinned object heap: the address never moves, and the memory stays managed
/// (no use-after-free is possible, unlike <c>NativeMemory.AlignedAlloc</c>).
/// </summary>
public sealed class AlignedBuffer<T> where T : unmanaged
{
    /// <summary>Alignment of the first element, in bytes.</summary>
    public const int Alignment = 64;

    private readonly T[] _array;
    private readonly int _offset;

    /// <summary>Allocates <paramref name="length"/> zeroed elements.</summary>
    public unsafe AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int pad = Alignment / sizeof(T);
        _array = GC.AllocateArray<T>(checked(length + pad), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _array[0]);
        int misalignment = (int)(address & (Alignment - 1));
        _offset = misalignment == 0 ? 0 : (Alignment - misalignment) / sizeof(T);
        Length = length;
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Bytes reserved, alignment padding included.</summary>
    public unsafe long Bytes => (long)_array.Length * sizeof(T);

    /// <summary>The aligned elements.</summary>
    public Span<T> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(_array, _offset, Length);
    }
}
