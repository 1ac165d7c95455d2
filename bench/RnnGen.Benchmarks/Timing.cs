using System.Diagnostics;

namespace RnnGen.Benchmarks;

/// <summary>Median wall-clock time of repeated calls, after warm-up (the way torch_peer.py times its peer).</summary>
public static class Timing
{
    public static double MedianMilliseconds(Action action, int reps, int warmup = 3)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[reps / 2];
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] v = values.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        return v.Length == 0 ? double.NaN : v[v.Length / 2];
    }

    /// <summary>Enough repetitions for about <paramref name="budgetMs"/> of timing, between 5 and 200.</summary>
    public static int RepsFor(Action action, double budgetMs)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        double once = Math.Max(0.01, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return (int)Math.Clamp(budgetMs / once, 5, 200);
    }

    /// <summary>Each action's median over <paramref name="rounds"/> rounds that take the actions in turn (each round's
    /// figure a <see cref="MedianMilliseconds"/> of about <paramref name="budgetMs"/>), so drift of the machine spreads
    /// over all of them alike.</summary>
    public static double[] AlternatingMedians(Action[] actions, int rounds, double budgetMs = 200)
    {
        int[] reps = actions.Select(a => RepsFor(a, budgetMs)).ToArray();
        var medians = actions.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < actions.Length; i++) medians[i].Add(MedianMilliseconds(actions[i], reps[i]));
        return medians.Select(Median).ToArray();
    }
}
