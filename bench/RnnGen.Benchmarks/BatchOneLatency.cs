using System.Diagnostics;
using System.Globalization;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>-- latency [--rounds N] [--steps N]</c>: batch-1 latency. (1) The forward pass of LSTM 65, 128, 32, 1 with W_hh read
/// as floats, bfloat16 and int8 (<see cref="WeightFormat"/>) beside ONNX Runtime and oneDNN, alternating in rounds;
/// (2) <c>Step</c> of the Sample's default model (one LSTM of 256 units over 128 characters), each call timed on its
/// own: median and 99th percentile per weight format on one thread, and as floats on two threads.
/// </summary>
public static class BatchOneLatency
{
    private static readonly WeightFormat[] Formats = Enum.GetValues<WeightFormat>();

    public static int Run(string[] args)
    {
        int rounds = PeerComparison.IntOption(args, "--rounds", 5);
        int steps = PeerComparison.IntOption(args, "--steps", 20_000);
        string scripts = Path.Combine(PeerComparison.RepositoryRoot(), "bench", "peers");
        FmaPeak.Result peak = FmaPeak.Measure();
        Console.WriteLine(PeerComparison.MachineLine(null, 1));
        Console.WriteLine($"FMA peak, one core: {peak}");
        Console.WriteLine();
        Forward(rounds, scripts);
        Console.WriteLine();
        StepLatency(rounds, steps);
        return 0;
    }

    private static void Forward(int rounds, string scripts)
    {
        Workload w = Workload.Create("lstm-65-128-32-1");
        var model = (IReducedWeightsModel)w.Model;
        var torch = new TorchPeer(scripts);
        OnnxRuntimePeer? ort = null;
        if (torch.Problem() is null)
        {
            try { ort = new OnnxRuntimePeer(torch.ExportOnnx(w, Directory.CreateTempSubdirectory("rnngen-latency").FullName), w.Steps, w.Batch, w.Input, w.Classes); }
            catch (Exception ex) when (ex is InvalidOperationException or DllNotFoundException) { Console.WriteLine("ONNX Runtime: " + ex.Message); }
        }
        var onednn = new OneDnnPeer(scripts);
        string? onednnProblem = onednn.Problem();
        if (onednnProblem is not null) Console.WriteLine("oneDNN: " + onednnProblem);

        var ours = Formats.ToDictionary(f => f, _ => new List<double>());
        var ortTimes = new List<double>();
        var onednnTimes = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            foreach (WeightFormat f in Formats)
            {
                model.WeightFormat = f;
                ours[f].Add(Timing.MedianMilliseconds(w.Forward, 400));
            }
            if (ort is not null) ortTimes.Add(Timing.MedianMilliseconds(ort.Run, 400));
            if (onednnProblem is null) onednnTimes.Add(onednn.Measure(w, 400).ForwardMs);
        }
        model.WeightFormat = WeightFormat.Single;
        ort?.Dispose();
        double ortMs = Timing.Median(ortTimes), onednnMs = Timing.Median(onednnTimes);
        Console.WriteLine($"Forward, {w.Name} (medians of {rounds} alternating rounds; ratio = peer time / RnnGen time):");
        Console.WriteLine();
        Console.WriteLine("| W_hh read as | RnnGen fwd ms | vs oneDNN | vs ONNX Runtime |");
        Console.WriteLine("|---|---|---|---|");
        foreach (WeightFormat f in Formats)
        {
            double ms = Timing.Median(ours[f]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Name(f)} | {ms:F4} | {onednnMs / ms:F2}× | {ortMs / ms:F2}× |"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| oneDNN (floats) | {onednnMs:F4} | | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ONNX Runtime (floats) | {ortMs:F4} | | |"));
    }

    private static void StepLatency(int rounds, int steps)
    {
        var model = new SampleMediumChar(1);
        var random = new Randomness.Xoshiro256StarStar(2);
        int[] tokens = new int[steps];
        for (int i = 0; i < steps; i++) tokens[i] = random.NextInt(SampleMediumChar.InputSize);
        // Each format on one thread, and the floats with model.Threads = 2: the workers split W_hh's rows between the
        // cores (GemmWorkers), each streaming its half from its own L2.
        (string Name, WeightFormat Format, int Threads)[] variants = [.. Formats.Select(f => (Name(f), f, 1)), ("float, model.Threads = 2", WeightFormat.Single, 2)];
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                model.WeightFormat = variants[v].Format;
                model.Threads = variants[v].Threads;
                model.ResetStepState();
                for (int i = 0; i < 200; i++) model.Step(tokens[i]); // warm-up, and the copy made
                for (int i = 0; i < steps; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    model.Step(tokens[i]);
                    times[v].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }
        }
        model.Threads = 1;
        Console.WriteLine($"Step latency, the Sample's default model (LSTM 256 over 128 characters; W_hh {4 * 256 * 256 * 4 / 1024} KB as floats), {rounds} × {steps:N0} calls per variant, each timed:");
        Console.WriteLine();
        Console.WriteLine("| W_hh read as | median µs | p99 µs | mean µs |");
        Console.WriteLine("|---|---|---|---|");
        for (int v = 0; v < variants.Length; v++)
        {
            double[] t = times[v].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {variants[v].Name} | {t[t.Length / 2]:F2} | {t[(int)(t.Length * 0.99)]:F2} | {t.Average():F2} |"));
        }
    }

    private static string Name(WeightFormat f) => f switch
    {
        WeightFormat.BFloat16 => "bfloat16",
        WeightFormat.Int8 => "int8 (row scales)",
        _ => "float",
    };
}
