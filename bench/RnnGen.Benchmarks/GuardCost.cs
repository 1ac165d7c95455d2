using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/RnnGen.Benchmarks -- guard</c>: what the one-call-at-a-time guard of every
/// generated public pass costs, beside the cheapest pass it guards (the batch-1 LSTM forward of the peer workload).
/// The guard is timed alone, with the generated code's shape: an interlocked exchange on entry, a volatile write in a
/// finally on the way out.
/// </summary>
public static class GuardCost
{
    public static int Run(string[] args)
    {
        Workload w = Workload.Create("lstm-65-128-32-1");
        var guarded = new Guarded();
        const int calls = 1_000_000;
        double forwardMs = Timing.MedianMilliseconds(w.Forward, Timing.RepsFor(w.Forward, 2000));
        double guardNs = Timing.Median(Enumerable.Range(0, 9).Select(_ =>
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) guarded.Call();
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / calls;
        }));
        Console.WriteLine($"{w.Name} forward: {forwardMs * 1000:F1} µs; guard alone: {guardNs:F1} ns per call = {100 * guardNs / (forwardMs * 1e6):F4} % of the forward");
        return 0;
    }

    /// <summary>The guard as the generator writes it (<c>RnnEnter</c>, then <c>try … finally</c>).</summary>
    private sealed class Guarded
    {
        private int _busy;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Call()
        {
            if (Interlocked.Exchange(ref _busy, 1) != 0) throw new InvalidOperationException("busy");
            try
            {
                Body();
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Body() { }
    }
}
