using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

/// <summary>
/// This core's single-thread FMA peak, measured from C#: 12 independent accumulators of fused multiply-adds (enough to
/// cover the latency of two FMA pipes) at 512, 256 and 128 bits, about 100 ms per run, the best of a few runs. The
/// ceiling a kernel's GFLOP/s is compared against; <c>peers</c> measures it at the start and the end of its run.
/// bench/peers/fma_peak.c is the same loop in C (built by build-onednn.sh), the cross-check of these figures.
/// </summary>
public static class FmaPeak
{
    public sealed record Result(double Gflops512, double Gflops256, double Gflops128)
    {
        /// <summary>The widest width that ran: the peak the generated kernels' GFLOP/s are compared against.</summary>
        public double Widest => !double.IsNaN(Gflops512) ? Gflops512 : !double.IsNaN(Gflops256) ? Gflops256 : Gflops128;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{G(Gflops512)} / {G(Gflops256)} / {G(Gflops128)} GFLOP/s at 512 / 256 / 128 bits");

        private static string G(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F1", CultureInfo.InvariantCulture);
    }

    /// <summary>Each width this process may use (NaN for one it may not: no AVX-512, or AVX2/FMA disabled).</summary>
    public static Result Measure(int runs = 3, double runMs = 100)
    {
        double g512 = Avx512F.IsSupported ? Best(Run<Vector512Ops<float>, Vector512<float>>, runs, runMs) : double.NaN;
        double g256 = Fma.IsSupported ? Best(Run<Vector256Ops<float>, Vector256<float>>, runs, runMs) : double.NaN;
        double g128 = Fma.IsSupported ? Best(Run<Vector128Ops<float>, Vector128<float>>, runs, runMs) : double.NaN;
        return new Result(g512, g256, g128);
    }

    /// <summary><c>-- fma</c>: prints <see cref="Measure"/>'s figures.</summary>
    public static int Print()
    {
        Console.WriteLine($"FMA peak, one thread (12 independent accumulators, best of 3 runs of 100 ms): {Measure()}");
        return 0;
    }

    /// <summary>Runs <paramref name="run"/> long enough for about <paramref name="runMs"/>, the best GFLOP/s of <paramref name="runs"/> runs.</summary>
    private static double Best(Func<long, double> run, int runs, double runMs)
    {
        long iterations = 1 << 16;
        double ms;
        while ((ms = Time(run, iterations)) < runMs / 4) iterations *= 2;
        iterations = (long)(iterations * runMs / ms);
        double best = 0;
        for (int r = 0; r < runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            double flops = run(iterations);
            best = Math.Max(best, flops / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return best;
    }

    private static double Time(Func<long, double> run, long iterations)
    {
        long start = Stopwatch.GetTimestamp();
        run(iterations);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static float s_sink;

    /// <summary>12 registers × lanes × 2 FLOPs per iteration, written once over the register width (the runtime's lane
    /// operations, which fuse where the CPU has FMA); returns the FLOPs done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static double Run<TOps, TVec>(long iterations)
        where TOps : struct, ISimdOps<TVec, float>
        where TVec : unmanaged
    {
        TVec m = TOps.Create(0.9999999f), c = TOps.Create(1e-7f);
        TVec a0 = TOps.Create(1.0f), a1 = TOps.Create(1.1f), a2 = TOps.Create(1.2f), a3 = TOps.Create(1.3f);
        TVec a4 = TOps.Create(1.4f), a5 = TOps.Create(1.5f), a6 = TOps.Create(1.6f), a7 = TOps.Create(1.7f);
        TVec a8 = TOps.Create(1.8f), a9 = TOps.Create(1.9f), a10 = TOps.Create(2.0f), a11 = TOps.Create(2.1f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = TOps.MultiplyAdd(a0, m, c); a1 = TOps.MultiplyAdd(a1, m, c); a2 = TOps.MultiplyAdd(a2, m, c);
            a3 = TOps.MultiplyAdd(a3, m, c); a4 = TOps.MultiplyAdd(a4, m, c); a5 = TOps.MultiplyAdd(a5, m, c);
            a6 = TOps.MultiplyAdd(a6, m, c); a7 = TOps.MultiplyAdd(a7, m, c); a8 = TOps.MultiplyAdd(a8, m, c);
            a9 = TOps.MultiplyAdd(a9, m, c); a10 = TOps.MultiplyAdd(a10, m, c); a11 = TOps.MultiplyAdd(a11, m, c);
        }
        TVec sum = TOps.Add(TOps.Add(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)), TOps.Add(TOps.Add(a4, a5), TOps.Add(a6, a7))), TOps.Add(TOps.Add(a8, a9), TOps.Add(a10, a11)));
        s_sink += TOps.Sum(sum);
        return 12.0 * 2 * TOps.Count * iterations;
    }
}
