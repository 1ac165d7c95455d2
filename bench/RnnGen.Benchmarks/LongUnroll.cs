using System.Globalization;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>-- long</c>: per-step time of the same LSTM layer unrolled over T = 32 and T = 1024 steps, to show that long
/// unrolls stay fully optimized (each emitted method stays far below the JIT's size limits).
/// </summary>
public static class LongUnroll
{
    public static int Run(string[] args)
    {
        int rounds = PeerComparison.IntOption(args, "--rounds", 3);
        Workload shortRun = Workload.Create("lstm-65-128-32-16"), longRun = Workload.Create("lstm-65-128-1024-16");
        var rows = new List<(string What, double Short, double Long)>();
        foreach ((string what, Func<Workload, Action> pick) in new (string, Func<Workload, Action>)[] { ("forward", w => w.Forward), ("train step", w => () => w.Train()) })
        {
            var s = new List<double>(); var l = new List<double>();
            Action a = pick(shortRun), b = pick(longRun);
            int repsA = Timing.RepsFor(a, 500), repsB = Timing.RepsFor(b, 500);
            for (int r = 0; r < rounds; r++)
            {
                s.Add(Timing.MedianMilliseconds(a, repsA) / shortRun.Steps);
                l.Add(Timing.MedianMilliseconds(b, repsB) / longRun.Steps);
            }
            rows.Add((what, Timing.Median(s), Timing.Median(l)));
        }
        Console.WriteLine("| LSTM I=65 H=128 B=16 | µs per step at T = 32 | µs per step at T = 1024 | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach ((string what, double s, double l) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {s * 1000:F2} | {l * 1000:F2} | {l / s:F2} |"));
        return 0;
    }
}
