using System.Diagnostics;
using System.Globalization;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>-- soak [--steps N] [--every M] [--config key]</c>: trains one peer configuration (SGD, clip 5) for a fixed number
/// of steps and prints, at intervals, what would reveal a leak or hidden allocation: collections per generation,
/// bytes allocated since the start (all threads, the report lines' own allocations left out), managed heap size and
/// the process's working set. All should stay flat.
/// </summary>
public static class Soak
{
    public static int Run(string[] args)
    {
        int steps = PeerComparison.IntOption(args, "--steps", 20000);
        int every = PeerComparison.IntOption(args, "--every", Math.Max(1, steps / 10));
        Workload w = Workload.Create(PeerComparison.StringOption(args, "--config") ?? "lstm-65-128-32-16");
        Console.WriteLine($"soak: {w.Name}, {steps} train steps, report every {every}");
        Console.WriteLine("| step | seconds | gen0 | gen1 | gen2 | allocated since start (bytes) | managed heap (KB) | working set (MB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        w.Train(); // first step: JIT and lazily allocated optimizer state
        long allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long reporting = 0; // bytes the report lines themselves allocate, left out of the figure
        var clock = Stopwatch.StartNew();
        for (int step = 1; step <= steps; step++)
        {
            w.Train();
            if (step % every == 0 || step == steps)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                long allocated = before - allocatedAtStart - reporting;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {step} | {clock.Elapsed.TotalSeconds:F1} | {GC.CollectionCount(0) - g0} | {GC.CollectionCount(1) - g1} | {GC.CollectionCount(2) - g2} | {allocated} | {GC.GetTotalMemory(false) / 1024} | {Environment.WorkingSet / 1048576.0:F1} |"));
                reporting += GC.GetTotalAllocatedBytes(precise: true) - before;
            }
        }
        return 0;
    }
}
