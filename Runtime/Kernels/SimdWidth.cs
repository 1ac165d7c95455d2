using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>The register width a single-precision kernel runs at.</summary>
internal enum SimdWidth
{
    /// <summary>One float at a time (<see cref="Simd1"/>).</summary>
    Scalar = 1,

    /// <summary>Eight floats per register (<see cref="Simd256"/>): AVX2.</summary>
    Vector256 = 256,

    /// <summary>Sixteen floats per register (<see cref="Simd512"/>): AVX-512.</summary>
    Vector512 = 512,
}

/// <summary>
/// Picks the widest width the processor accelerates, once per process. Tests force the other widths through
/// <see cref="Forced"/> so every path is exercised on one machine (a width the processor lacks still runs, emulated by
/// the runtime's software fallback, only slowly).
/// </summary>
internal static class SimdPath
{
    /// <summary>
    /// The widest accelerated width. A <c>static readonly</c> the tier-1 JIT reads as a constant; on machines whose
    /// AVX-512 the runtime does not report as accelerated (or with <c>DOTNET_EnableAVX512=0</c>) this is 256.
    /// </summary>
    internal static readonly SimdWidth Detected =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512 :
        Vector256.IsHardwareAccelerated ? SimdWidth.Vector256 :
        SimdWidth.Scalar;

    /// <summary>For tests: when set, every float kernel runs at this width instead of <see cref="Detected"/>.</summary>
    internal static SimdWidth? Forced { get; set; }

    /// <summary>The width the kernels use now.</summary>
    internal static SimdWidth Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Forced ?? Detected;
    }
}
