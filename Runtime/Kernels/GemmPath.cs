using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>The instruction sets a GEMM call can run on, fastest first.</summary>
internal enum GemmPath
{
    /// <summary>512-bit vectors with fused multiply-add (AVX-512F): an 8×3-vector register tile.</summary>
    Vector512,

    /// <summary>256-bit vectors (AVX2), fused multiply-add where the CPU has FMA: a 6×2-vector register tile.</summary>
    Vector256,

    /// <summary>128-bit vectors (SSE, the x64 baseline), fused multiply-add where the CPU has FMA: a 6×2-vector tile.
    /// It is what a Native AOT build compiled for the default instruction set (x86-64-v2) gets, since there
    /// <c>Vector256</c> and <c>Vector512</c> are not accelerated, and what <c>DOTNET_EnableAVX2=0</c> selects.</summary>
    Vector128,

    /// <summary>Plain scalar arithmetic: a 4×2 register tile; runs anywhere.</summary>
    Scalar,
}

/// <summary>Chooses the GEMM path once per process from what the JIT reports as hardware accelerated.</summary>
/// <remarks>
/// The flags are <c>static readonly</c>, so the tiered JIT folds them into constants and the dispatch costs
/// nothing. They honour the runtime's switches: <c>DOTNET_EnableAVX512=0</c> selects <see cref="GemmPath.Vector256"/>,
/// <c>DOTNET_EnableAVX2=0</c> selects <see cref="GemmPath.Vector128"/> (with AVX2 off, .NET reports <c>Vector256</c> as not
/// accelerated even though AVX itself is present) and <c>DOTNET_EnableHWIntrinsic=0</c> selects
/// <see cref="GemmPath.Scalar"/>, which is how CI runs the fallbacks for real on a machine that has AVX-512. Whether the 256-bit kernels fuse their multiply-adds is decided inside
/// <see cref="Vector256Ops{T}"/> by <see cref="Fma.IsSupported"/>, which the JIT turns into a constant when it compiles
/// the kernel, so the unused branch is not even emitted (without FMA they multiply and add separately, because the
/// software emulation behind <c>Vector256.FusedMultiplyAdd</c> is far slower than two rounded operations).
/// </remarks>
internal static class GemmPaths
{
    /// <summary>512-bit vectors are accelerated; AVX-512F implies FMA, so no separate check is needed.</summary>
    internal static readonly bool HasVector512 = Vector512.IsHardwareAccelerated;

    /// <summary>256-bit vectors are accelerated (.NET requires AVX2 for that).</summary>
    internal static readonly bool HasVector256 = Vector256.IsHardwareAccelerated;

    /// <summary>128-bit vectors are accelerated (SSE on x64, AdvSimd on Arm64).</summary>
    internal static readonly bool HasVector128 = Vector128.IsHardwareAccelerated;

    /// <summary>The fastest accelerated path on this machine.</summary>
    internal static readonly GemmPath Best =
        HasVector512 ? GemmPath.Vector512 : HasVector256 ? GemmPath.Vector256 : HasVector128 ? GemmPath.Vector128 : GemmPath.Scalar;

    /// <summary>Whether <paramref name="path"/> runs on hardware here (a forced path that is not still computes correct
    /// results, through the JIT's software fallback for wide vectors, but slowly).</summary>
    internal static bool IsAccelerated(GemmPath path) => path switch
    {
        GemmPath.Vector512 => HasVector512,
        GemmPath.Vector256 => HasVector256,
        GemmPath.Vector128 => HasVector128,
        _ => true,
    };
}
