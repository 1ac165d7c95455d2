using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>The register widths every kernel (GEMM and pointwise) can run at, widest first.</summary>
internal enum SimdPath
{
    /// <summary>512-bit vectors (AVX-512F, which always comes with FMA); GEMM uses an 8×3-register tile.</summary>
    Vector512,

    /// <summary>256-bit vectors (AVX2), fused multiply-add where the CPU has FMA; GEMM uses a 6×2-register tile.</summary>
    Vector256,

    /// <summary>128-bit vectors (SSE, the x64 baseline; AdvSimd on Arm64), fused multiply-add where the CPU has FMA.
    /// It is what a Native AOT build compiled for the default instruction set (x86-64-v2) gets, since there
    /// <c>Vector256</c> and <c>Vector512</c> are not accelerated, and what <c>DOTNET_EnableAVX2=0</c> selects.</summary>
    Vector128,

    /// <summary>Plain scalar arithmetic (GEMM: a 4×2 register tile); runs anywhere.</summary>
    Scalar,
}

/// <summary>Chooses the path once per process from what the JIT reports as hardware accelerated; tests can force another
/// path on one thread.</summary>
/// <remarks>
/// The flags are <c>static readonly</c>, so the tiered JIT folds them into constants. They honour the runtime's
/// switches: <c>DOTNET_EnableAVX512=0</c> selects <see cref="SimdPath.Vector256"/>, <c>DOTNET_EnableAVX2=0</c> selects
/// <see cref="SimdPath.Vector128"/> (with AVX2 off, .NET reports <c>Vector256</c> as not accelerated even though AVX itself
/// is present; FMA is switched off with AVX2, so that path multiplies and adds separately) and <c>DOTNET_EnableHWIntrinsic=0</c> selects <see cref="SimdPath.Scalar"/>, which is how CI runs the
/// fallbacks for real on a machine that has AVX-512. Whether the 128- and 256-bit paths fuse their multiply-adds is
/// decided inside the operations (<see cref="Vector256Ops{T}"/>) by <see cref="Fma.IsSupported"/> (at 128 bits also
/// by Arm64's AdvSimd, which always fuses), which the JIT turns
/// into a constant, so the unused branch is not even emitted (without FMA they multiply and add separately, because the
/// software emulation of a fused multiply-add is far slower than two rounded operations).
/// </remarks>
internal static class SimdPaths
{
    /// <summary>512-bit vectors are accelerated; AVX-512F implies FMA, so no separate check is needed.</summary>
    internal static readonly bool HasVector512 = Vector512.IsHardwareAccelerated;

    /// <summary>256-bit vectors are accelerated (.NET requires AVX2 for that).</summary>
    internal static readonly bool HasVector256 = Vector256.IsHardwareAccelerated;

    /// <summary>128-bit vectors are accelerated (SSE on x64, AdvSimd on Arm64).</summary>
    internal static readonly bool HasVector128 = Vector128.IsHardwareAccelerated;

    /// <summary>The fastest accelerated path on this machine.</summary>
    internal static readonly SimdPath Best =
        HasVector512 ? SimdPath.Vector512 : HasVector256 ? SimdPath.Vector256 : HasVector128 ? SimdPath.Vector128 : SimdPath.Scalar;

    [ThreadStatic] private static SimdPath? t_forced;

    /// <summary>
    /// Test hook: forces every kernel call made <em>on the current thread</em> onto one path (<see langword="null"/>
    /// restores <see cref="Best"/>). Thread-static so a test forcing the scalar path cannot slow down or change the results
    /// of tests running in parallel on other threads; a split GEMM hands the caller's path to its worker threads. A path
    /// the hardware does not accelerate still computes the right values (the JIT emulates wide vectors in software), only
    /// slowly; see <see cref="IsAccelerated"/>.
    /// </summary>
    internal static SimdPath? Forced
    {
        get => t_forced;
        set => t_forced = value;
    }

    /// <summary>The path the current thread's kernel calls take: read once per call, never per element.</summary>
    internal static SimdPath Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_forced ?? Best;
    }

    /// <summary>Whether <paramref name="path"/> runs on hardware here.</summary>
    internal static bool IsAccelerated(SimdPath path) => path switch
    {
        SimdPath.Vector512 => HasVector512,
        SimdPath.Vector256 => HasVector256,
        SimdPath.Vector128 => HasVector128,
        _ => true,
    };
}

/// <summary>
/// A computation written once over the register width: <see cref="Simd.Run{TKernel, T}(ref TKernel)"/> calls
/// <see cref="Run"/> with the operations of the current path, whose type also supplies the path's GEMM tile
/// (<see cref="IGemmTile{T}"/>).
/// </summary>
internal interface ISimdKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the computation with registers of <typeparamref name="TVec"/>.</summary>
    void Run<TOps, TVec>()
        where TOps : struct, ISimdOps<TVec, T>, IGemmTile<T>
        where TVec : unmanaged;
}

/// <summary>
/// The body of a pointwise kernel over rows (<see cref="Simd.Rows{TOperator, T}"/>): one operator type per kernel, holding
/// its pointers and constants, written once over the register type.
/// </summary>
internal interface IRowOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Computes columns <c>[column, column + TOps.Count)</c> of row <paramref name="row"/>.</summary>
    void Invoke<TOps, TVec>(nint row, nuint column)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged;
}

/// <summary>The body of a sum over elements (<see cref="Simd.Sum{TOperator, T}"/>): one operator type per kernel.</summary>
internal interface ISumOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Adds the terms of elements <c>[index, index + TOps.Count)</c> to <paramref name="total"/>, lane by lane.</summary>
    TVec Invoke<TOps, TVec>(nuint index, TVec total)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged;
}

/// <summary>
/// A loop over part of a row at one width (the unit <see cref="Simd.Narrowing{TLanes, TOps, TVec, T}"/> steps down with).
/// </summary>
internal interface ISimdLanes<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Processes elements from <paramref name="start"/> on, <c>TOps.Count</c> at a time, while a whole register
    /// fits; returns where it stopped.</summary>
    int Run<TOps, TVec>(int start)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged;
}

/// <summary>The single dispatch over register widths, and the drivers of the kernel shapes built on it.</summary>
/// <remarks>
/// <para>
/// Every loop over lanes sits in a method of its own marked <c>NoInlining</c>. The JIT's inlining budget is per compiled
/// method: inlined into a large caller, a loop can run out of budget and leave a lane operation as a call with its
/// vectors spilled to the stack. As roots of their own, the loops always get every lane operation inlined; the cost is
/// one call per row or per kernel.
/// </para>
/// <para>
/// The same methods are <c>AggressiveOptimization</c>: tier-0 code inlines nothing, so every lane operation would be a
/// call, and short loops called often (a row of 128) never trigger on-stack replacement, so a model's first few hundred
/// steps would run unoptimized. Compiled optimized at once, they cost some JIT time on first use instead; tiered PGO,
/// which this gives up, has nothing to offer straight-line SIMD loops.
/// </para>
/// </remarks>
internal static class Simd
{
    /// <summary>Runs <paramref name="kernel"/> on the current thread's path (<see cref="SimdPaths.Current"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Run<TKernel, T>(ref TKernel kernel)
        where TKernel : struct, ISimdKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        => Run<TKernel, T>(SimdPaths.Current, ref kernel);

    /// <summary>Runs <paramref name="kernel"/> on <paramref name="path"/>: the one place that maps a path to its operations.</summary>
    internal static void Run<TKernel, T>(SimdPath path, ref TKernel kernel)
        where TKernel : struct, ISimdKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (path)
        {
            case SimdPath.Vector512: kernel.Run<Vector512Ops<T>, Vector512<T>>(); break;
            case SimdPath.Vector256: kernel.Run<Vector256Ops<T>, Vector256<T>>(); break;
            case SimdPath.Vector128: kernel.Run<Vector128Ops<T>, Vector128<T>>(); break;
            default: kernel.Run<ScalarOps<T>, T>(); break;
        }
    }

    /// <summary>
    /// Runs <paramref name="lanes"/> over a whole row: full <typeparamref name="TVec"/> registers, then one 256-bit
    /// register on the 512-bit path, then single lanes for the rest (the tail runs the same body as the vector part).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Narrowing<TLanes, TOps, TVec, T>(ref TLanes lanes)
        where TLanes : struct, ISimdLanes<T>
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = lanes.Run<TOps, TVec>(0);
        if (TOps.Count > Vector256<T>.Count) j = lanes.Run<Vector256Ops<T>, Vector256<T>>(j);
        if (TOps.Count > 1) lanes.Run<ScalarOps<T>, T>(j);
    }

    /// <summary>Applies <paramref name="op"/> to every column of <paramref name="rows"/> rows of <paramref name="columns"/>.</summary>
    internal static void Rows<TOperator, T>(TOperator op, int rows, int columns)
        where TOperator : struct, IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = new RowsKernel<TOperator, T>(op, rows, columns);
        Run<RowsKernel<TOperator, T>, T>(ref kernel);
    }

    /// <summary>Applies <paramref name="op"/> to elements <c>[0, count)</c> (one row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Elements<TOperator, T>(TOperator op, int count)
        where TOperator : struct, IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        => Rows<TOperator, T>(op, 1, count);

    /// <summary>The sum of <paramref name="op"/>'s terms over elements <c>[0, count)</c>: lane-wise partial sums per width,
    /// each reduced and added to the total in turn.</summary>
    internal static T Sum<TOperator, T>(TOperator op, int count)
        where TOperator : struct, ISumOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = new SumLanes<TOperator, T>(op, count);
        Run<SumLanes<TOperator, T>, T>(ref kernel);
        return kernel.Total;
    }

    private struct RowsKernel<TOperator, T>(TOperator op, int rows, int columns) : ISimdKernel<T>, ISimdLanes<T>
        where TOperator : struct, IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly TOperator _op = op;
        private readonly int _rows = rows, _columns = columns;
        private nint _row;

        void ISimdKernel<T>.Run<TOps, TVec>()
        {
            for (_row = 0; _row < _rows; _row++) Narrowing<RowsKernel<TOperator, T>, TOps, TVec, T>(ref this);
        }

        int ISimdLanes<T>.Run<TOps, TVec>(int start)
            => RowLanes<TOperator, TOps, TVec, T>(_op, _row, _columns, start);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // own root, optimized at once: see the class remarks
    private static int RowLanes<TOperator, TOps, TVec, T>(TOperator op, nint row, int columns, int j)
        where TOperator : struct, IRowOperator<T>
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (; j <= columns - TOps.Count; j += TOps.Count) op.Invoke<TOps, TVec>(row, (nuint)j);
        return j;
    }

    private struct SumLanes<TOperator, T>(TOperator op, int count) : ISimdKernel<T>, ISimdLanes<T>
        where TOperator : struct, ISumOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly TOperator _op = op;
        private readonly int _count = count;

        /// <summary>The sum, once run.</summary>
        public T Total;

        void ISimdKernel<T>.Run<TOps, TVec>()
        {
            Total = T.Zero;
            Narrowing<SumLanes<TOperator, T>, TOps, TVec, T>(ref this);
        }

        int ISimdLanes<T>.Run<TOps, TVec>(int start)
            => SumRange<TOperator, TOps, TVec, T>(_op, _count, start, ref Total);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // own root, optimized at once: see the class remarks
    private static int SumRange<TOperator, TOps, TVec, T>(TOperator op, int count, int j, ref T sum)
        where TOperator : struct, ISumOperator<T>
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (j > count - TOps.Count) return j;
        TVec total = TOps.Zero;
        for (; j <= count - TOps.Count; j += TOps.Count) total = op.Invoke<TOps, TVec>((nuint)j, total);
        sum += TOps.Sum(total);
        return j;
    }
}
