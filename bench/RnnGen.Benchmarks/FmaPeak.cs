using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        double g512 = Avx512F.IsSupported ? Best(Run512, runs, runMs) : double.NaN;
        double g256 = Fma.IsSupported ? Best(Run256, runs, runMs) : double.NaN;
        double g128 = Fma.IsSupported ? Best(Run128, runs, runMs) : double.NaN;
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

    /// <summary>12 × 16 lanes × 2 FLOPs per iteration; returns the FLOPs done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static double Run512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1.0f), a1 = Vector512.Create(1.1f), a2 = Vector512.Create(1.2f), a3 = Vector512.Create(1.3f);
        Vector512<float> a4 = Vector512.Create(1.4f), a5 = Vector512.Create(1.5f), a6 = Vector512.Create(1.6f), a7 = Vector512.Create(1.7f);
        Vector512<float> a8 = Vector512.Create(1.8f), a9 = Vector512.Create(1.9f), a10 = Vector512.Create(2.0f), a11 = Vector512.Create(2.1f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c); a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c); a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c); a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c); a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }
        s_sink += Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
        return 12.0 * 2 * Vector512<float>.Count * iterations;
    }

    /// <summary>12 × 8 lanes × 2 FLOPs per iteration; returns the FLOPs done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static double Run256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1.0f), a1 = Vector256.Create(1.1f), a2 = Vector256.Create(1.2f), a3 = Vector256.Create(1.3f);
        Vector256<float> a4 = Vector256.Create(1.4f), a5 = Vector256.Create(1.5f), a6 = Vector256.Create(1.6f), a7 = Vector256.Create(1.7f);
        Vector256<float> a8 = Vector256.Create(1.8f), a9 = Vector256.Create(1.9f), a10 = Vector256.Create(2.0f), a11 = Vector256.Create(2.1f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c); a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c); a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        s_sink += Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
        return 12.0 * 2 * Vector256<float>.Count * iterations;
    }

    /// <summary>12 × 4 lanes × 2 FLOPs per iteration; returns the FLOPs done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static double Run128(long iterations)
    {
        Vector128<float> m = Vector128.Create(0.9999999f), c = Vector128.Create(1e-7f);
        Vector128<float> a0 = Vector128.Create(1.0f), a1 = Vector128.Create(1.1f), a2 = Vector128.Create(1.2f), a3 = Vector128.Create(1.3f);
        Vector128<float> a4 = Vector128.Create(1.4f), a5 = Vector128.Create(1.5f), a6 = Vector128.Create(1.6f), a7 = Vector128.Create(1.7f);
        Vector128<float> a8 = Vector128.Create(1.8f), a9 = Vector128.Create(1.9f), a10 = Vector128.Create(2.0f), a11 = Vector128.Create(2.1f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c); a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c); a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        s_sink += Vector128.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
        return 12.0 * 2 * Vector128<float>.Count * iterations;
    }
}
