using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Support;

/// <summary>
/// Forces a path on the current thread for the lifetime of the scope (<see cref="SimdPaths.Forced"/> is thread-static,
/// so tests forcing different paths can run in parallel).
/// </summary>
internal readonly struct ForcedWidth : IDisposable
{
    private readonly SimdPath? _previous;

    public ForcedWidth(int bits)
    {
        _previous = SimdPaths.Forced;
        SimdPaths.Forced = Widths.Path(bits);
    }

    public void Dispose() => SimdPaths.Forced = _previous;
}

/// <summary>Theory data shared by the kernel tests.</summary>
public static class Widths
{
    /// <summary>Every width a kernel can run at: 512, 256 and 128-bit vectors and scalar lanes.</summary>
    public static TheoryData<int> All => new() { 512, 256, 128, 1 };

    /// <summary>Every width, in float and double.</summary>
    public static TheoryData<int, bool> AllBothPrecisions
    {
        get
        {
            var data = new TheoryData<int, bool>();
            foreach (int width in All) { data.Add(width, false); data.Add(width, true); }
            return data;
        }
    }

    /// <summary>Hidden sizes around the register widths (16, 8 and 4 floats): tails of every length.</summary>
    public static readonly int[] Hidden = { 1, 3, 7, 16, 17, 33, 65, 129 };

    /// <summary>Batch sizes.</summary>
    public static readonly int[] Batch = { 1, 2, 5 };

    /// <summary>The path of a width in bits (1: scalar).</summary>
    internal static SimdPath Path(int bits) => bits switch
    {
        512 => SimdPath.Vector512,
        256 => SimdPath.Vector256,
        128 => SimdPath.Vector128,
        1 => SimdPath.Scalar,
        _ => throw new ArgumentOutOfRangeException(nameof(bits), bits, "512, 256, 128 or 1."),
    };
}
