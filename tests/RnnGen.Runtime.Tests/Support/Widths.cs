using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Support;

/// <summary>
/// The kernels read one process-wide width switch (<see cref="SimdPath.Forced"/>), so the tests that set it run in one
/// collection that xunit never runs in parallel with anything else.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimdWidthCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Forced SIMD width";
}

/// <summary>Forces a width for the lifetime of the scope.</summary>
internal readonly struct ForcedWidth : IDisposable
{
    private readonly SimdWidth? _previous;

    public ForcedWidth(int bits)
    {
        _previous = SimdPath.Forced;
        SimdPath.Forced = bits switch
        {
            512 => SimdWidth.Vector512,
            256 => SimdWidth.Vector256,
            1 => SimdWidth.Scalar,
            _ => throw new ArgumentOutOfRangeException(nameof(bits), bits, "512, 256 or 1."),
        };
    }

    public void Dispose() => SimdPath.Forced = _previous;
}

/// <summary>Theory data shared by the kernel tests.</summary>
public static class Widths
{
    /// <summary>Every width a float kernel can run at: AVX-512, AVX2 and scalar lanes.</summary>
    public static TheoryData<int> All => new() { 512, 256, 1 };

    /// <summary>Hidden sizes around the register widths (16 and 8 floats): tails of every length.</summary>
    public static readonly int[] Hidden = { 1, 3, 7, 16, 17, 33, 65, 129 };

    /// <summary>Batch sizes.</summary>
    public static readonly int[] Batch = { 1, 2, 5 };
}
