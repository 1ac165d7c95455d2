using System.Globalization;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>-- breakdown [--configs a,b] [--rounds N]</c>: where a train step's time goes, per peer configuration — forward,
/// loss, backward (timed as forward + backward, less the forward), zeroing the gradients, and clip + SGD — as medians
/// of alternating rounds. The phases add up to about the train step; the point is which one to work on.
/// </summary>
public static class PhaseBreakdown
{
    public static int Run(string[] args)
    {
        int rounds = PeerComparison.IntOption(args, "--rounds", 3);
        string[] configs = PeerComparison.StringOption(args, "--configs")?.Split(',') ?? Workload.PeerConfigs;
        Console.WriteLine("| config (I, H, T, B) | train ms | forward ms | loss ms | backward ms | zero grads ms | clip + SGD ms | backward / forward |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (string key in configs)
        {
            Workload w = Workload.Create(key);
            Action train = () => w.Train();
            Action forwardBackward = () => { w.Forward(); w.Backward(); };
            Action zero = w.Model.ZeroGradients;
            Action[] phases = { train, w.Forward, w.Loss, forwardBackward, zero, w.Update };
            int[] reps = phases.Select(p => Timing.RepsFor(p, 300)).ToArray();
            var medians = phases.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < phases.Length; i++)
                {
                    // Loss reads the activations of a forward pass; clip + SGD needs real gradients, not the zeros the
                    // phase before leaves (after its first repetition they are clipped already, so the repetitions time
                    // the norm and the update, and a real step's one scaling pass, about the norm's cost, shows once).
                    if (i == 2) w.Forward();
                    if (i == 5) forwardBackward();
                    medians[i].Add(Timing.MedianMilliseconds(phases[i], reps[i]));
                }
            }
            double[] m = medians.Select(Timing.Median).ToArray();
            double backward = m[3] - m[1];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {w.Cell.ToUpperInvariant()} {w.Input}, {w.Hidden}, {w.Steps}, {w.Batch} | {m[0]:F3} | {m[1]:F3} | {m[2]:F3} | {backward:F3} | {m[4]:F3} | {m[5]:F3} | {backward / m[1]:F2} |"));
        }
        return 0;
    }
}
