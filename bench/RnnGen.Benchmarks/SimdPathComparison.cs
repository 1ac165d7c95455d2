using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using System.Text.Json;
using RnnGen.Cells;
using RnnGen.Kernels;
using RnnGen.Randomness;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/RnnGen.Benchmarks -- simd [--rounds N] [--budget-ms M] [--configs a,b] [--no-models] [--no-kernels] [--write]</c>:
/// the four SIMD paths side by side. The JIT folds the register width into constants (<see cref="SimdPaths"/>'s flags
/// are <c>static readonly</c>), so each path is measured in a process of its own: this process starts itself as a child
/// once per setting and round — no switch (the machine's widest path), <c>DOTNET_EnableAVX512=0</c>,
/// <c>DOTNET_EnableAVX2=0</c> (the Vector128 path) and <c>DOTNET_EnableHWIntrinsic=0</c> (scalar) — alternating the
/// settings within each round so drift hits all alike; each child prints its medians as JSON, and the table holds the
/// median over rounds. Timed: the cells' pointwise kernels (LSTM, GRU and tanh RNN, forward and backward) called
/// directly on buffers at B=16, H=128 and B=64, H=512 (inputs restored before every call, the restores' time
/// subtracted), and the peer
/// configurations' forward pass and train step (<see cref="Workload"/>). With <c>--write</c> the table replaces (or adds)
/// its own section of bench/RESULTS.md.
/// </summary>
public static class SimdPathComparison
{
    private const string SectionTitle = "## The four SIMD paths";
    private const string ChildMarker = "SIMD-CHILD-RESULT ";

    /// <summary>The settings, in table order: the environment variable each child gets (null: none).</summary>
    private static readonly (string Label, string? Variable)[] Settings =
    {
        ("no switch", null),
        ("EnableAVX512=0", "DOTNET_EnableAVX512"),
        ("EnableAVX2=0", "DOTNET_EnableAVX2"),
        ("EnableHWIntrinsic=0", "DOTNET_EnableHWIntrinsic"),
    };

    /// <summary>The cell kernels' shapes (batch, hidden).</summary>
    private static readonly (int Batch, int Hidden)[] KernelShapes = { (16, 128), (64, 512) };

    /// <summary>What one child reports: its path and instruction sets, and a median per measurement.</summary>
    private sealed class ChildResult
    {
        public string Path { get; set; } = "";
        public bool Fma { get; set; }
        public bool Avx { get; set; }
        public bool Avx2 { get; set; }
        public bool Sse41 { get; set; }
        public Dictionary<string, double> Ms { get; set; } = new();
    }

    public static int Run(string[] args)
    {
        if (args.Contains("--child")) return RunChild(args);

        int rounds = IntOption(args, "--rounds", 3);
        bool write = args.Contains("--write");
        string[] passOn = args.Where(a => a != "--write").ToArray();

        var results = new List<ChildResult>[Settings.Length];
        for (int s = 0; s < Settings.Length; s++) results[s] = new();
        for (int r = 0; r < rounds; r++)
        {
            for (int s = 0; s < Settings.Length; s++)
            {
                Console.Write($"round {r + 1}/{rounds}, {Settings[s].Label}: ");
                ChildResult child = StartChild(Settings[s].Variable, passOn);
                results[s].Add(child);
                Console.WriteLine($"{child.Path}, FMA {(child.Fma ? "on" : "off")}, {child.Ms.Count} measurements");
            }
        }

        string table = Table(results, rounds);
        string machine = MachineLine(results);
        Console.WriteLine();
        Console.WriteLine(machine);
        Console.WriteLine();
        Console.WriteLine(table);
        if (write)
        {
            string path = System.IO.Path.Combine(RepositoryRoot(), "bench", "RESULTS.md");
            string section = $"{SectionTitle} (`-- simd`, {DateTime.UtcNow:yyyy-MM-dd})\n\n" +
                $"Written by `dotnet run -c Release --project bench/RnnGen.Benchmarks -- simd{(rounds == 3 ? "" : $" --rounds {rounds}")} --write` " +
                $"(one process per setting and round, settings alternating, medians of {rounds} round{(rounds == 1 ? "" : "s")}; one thread).\n\n" +
                machine + "\n\n" + table;
            File.WriteAllText(path, ResultsFile.WithSection(File.ReadAllText(path), SectionTitle, section));
            Console.WriteLine($"written to {path}");
        }
        return 0;
    }

    /// <summary>Runs this program as a child with one setting (and no other <c>DOTNET_Enable*</c> switch) and reads its result.</summary>
    private static ChildResult StartChild(string? variable, string[] args)
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
        var start = new ProcessStartInfo(process) { RedirectStandardOutput = true, UseShellExecute = false };
        // Started as `dotnet RnnGen.Benchmarks.dll`, the child needs the assembly too.
        if (System.IO.Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        start.ArgumentList.Add("simd");
        foreach (string a in args.Skip(args.FirstOrDefault() == "simd" ? 1 : 0)) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--child");
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        if (variable is not null) start.Environment[variable] = "0";

        using Process child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ChildMarker, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The child ({variable ?? "no switch"}) exited with {child.ExitCode}:\n{output}");
        return JsonSerializer.Deserialize<ChildResult>(line[ChildMarker.Length..])!;
    }

    private static int RunChild(string[] args)
    {
        int budgetMs = IntOption(args, "--budget-ms", 300);
        string[] configs = StringOption(args, "--configs")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? Workload.PeerConfigs;
        var result = new ChildResult
        {
            Path = SimdPaths.Best.ToString(),
            Fma = Fma.IsSupported,
            Avx = Avx.IsSupported,
            Avx2 = Avx2.IsSupported,
            Sse41 = Sse41.IsSupported,
        };
        if (!args.Contains("--no-kernels"))
        {
            foreach ((int batch, int hidden) in KernelShapes)
                foreach (CellKernel kernel in CellKernel.All(batch, hidden))
                    result.Ms[kernel.Name] = kernel.MedianMilliseconds(budgetMs);
        }
        if (!args.Contains("--no-models"))
        {
            foreach (string key in configs)
            {
                Workload w = Workload.Create(key);
                Action train = () => w.Train();
                WarmUp(w.Forward);
                WarmUp(train);
                result.Ms[$"{w.Name} forward"] = Timing.MedianMilliseconds(w.Forward, RepsFor(w.Forward, budgetMs));
                result.Ms[$"{w.Name} train"] = Timing.MedianMilliseconds(train, RepsFor(train, budgetMs));
            }
        }
        Console.WriteLine(ChildMarker + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>One cell kernel on its own buffers: <see cref="Restore"/> resets the inputs it overwrites (in-place gates,
    /// the carried dc), so every call sees the same values and none drifts into subnormals; the restores' own time is
    /// measured alongside and subtracted.</summary>
    private sealed class CellKernel(string name, Action restore, Action call)
    {
        public string Name { get; } = name;

        private Action Restore { get; } = restore;

        /// <summary>
        /// Median time of one call. A call takes from a fraction of a microsecond, below the clock's resolution on some
        /// machines, so each sample times <c>inner</c> restores and calls (about 20 µs or more) next to <c>inner</c>
        /// restores alone, and counts the difference: the median over samples, divided by <c>inner</c>.
        /// </summary>
        public double MedianMilliseconds(int budgetMs)
        {
            WarmUp(() => { Restore(); call(); });
            long once = Stopwatch.GetTimestamp();
            for (int i = 0; i < 10; i++) { Restore(); call(); }
            double onceMs = Math.Max(1e-5, Stopwatch.GetElapsedTime(once).TotalMilliseconds / 10);
            int inner = (int)Math.Clamp(0.02 / onceMs, 1, 1000);
            int samples = (int)Math.Clamp(budgetMs / (2 * inner * onceMs), 11, 2001);
            var times = new double[samples];
            for (int s = 0; s < samples; s++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < inner; i++) { Restore(); call(); }
                double both = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                start = Stopwatch.GetTimestamp();
                for (int i = 0; i < inner; i++) Restore();
                times[s] = (both - Stopwatch.GetElapsedTime(start).TotalMilliseconds) / inner;
            }
            Array.Sort(times);
            return times[samples / 2];
        }

        public static IEnumerable<CellKernel> All(int b, int h)
        {
            var random = new Xoshiro256StarStar(7);
            float[] Values(int n, double low, double high)
            {
                var v = new float[n];
                for (int i = 0; i < n; i++) v[i] = (float)(low + (high - low) * random.NextDouble());
                return v;
            }
            string shape = $"B={b} H={h}";

            // LSTM: pre-activations in, activations and c, h out; backward reads activations and overwrites them.
            float[] lstmPre = Values(b * 4 * h, -3, 3), lstmAct = Values(b * 4 * h, 0.05, 0.95);
            float[] gates = new float[b * 4 * h], cPrev = Values(b * h, -1, 1), c = Values(b * h, -1, 1), hh = new float[b * h];
            float[] dh = Values(b * h, -1, 1), dcIn = Values(b * h, -1, 1), dc = new float[b * h];
            yield return new($"LSTM fwd {shape}", () => lstmPre.CopyTo(gates), () => LstmCell.Forward<float>(gates, cPrev, c, hh, h, b, h));
            yield return new($"LSTM bwd {shape}", () => { lstmAct.CopyTo(gates); dcIn.CopyTo(dc); },
                () => LstmCell.Backward<float>(gates, cPrev, c, dh, h, dc, b, h));

            // GRU: gates and the recurrent product in; backward reads (r, z, n), hn, h_prev and adds to dh_prev.
            float[] gruPre = Values(b * 3 * h, -3, 3), gruAct = Values(b * 3 * h, 0.05, 0.95), recurrent = Values(b * 3 * h, -1, 1);
            float[] gruGates = new float[b * 3 * h], biasHn = Values(h, -0.1, 0.1), hn = new float[b * h], hnIn = Values(b * h, -1, 1);
            float[] hPrev = Values(b * h, -1, 1), dhPrev = new float[b * h];
            yield return new($"GRU fwd {shape}", () => gruPre.CopyTo(gruGates),
                () => GruCell.Forward<float>(gruGates, recurrent, biasHn, hn, hPrev, h, hh, h, b, h));
            yield return new($"GRU bwd {shape}", () => { gruAct.CopyTo(gruGates); hnIn.CopyTo(hn); Array.Clear(dhPrev); },
                () => GruCell.Backward<float>(gruGates, hn, hPrev, h, dh, h, dhPrev, h, b, h));

            // tanh RNN: h = tanh(pre-activation) in place; backward dh ⊙= 1 − h².
            float[] rnnPre = Values(b * h, -3, 3), rnnH = Values(b * h, -0.95, 0.95), rnn = new float[b * h], rnnDh = new float[b * h];
            yield return new($"RNN fwd {shape}", () => rnnPre.CopyTo(rnn), () => RnnCell.Forward<float>(rnn, h, b, h, Nonlinearity.Tanh));
            yield return new($"RNN bwd {shape}", () => dh.CopyTo(rnnDh), () => RnnCell.Backward<float>(rnnDh, h, rnnH, h, b, h, Nonlinearity.Tanh));
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> until the tiered JIT has had the chance to recompile it: each child is a fresh
    /// process, and a method reaches tier 1 only after 30 calls and a call-counting delay (100 ms), compiled in the
    /// background. So at least 40 calls (or 3 s, for the slow scalar configurations, whose time is in kernels that are
    /// optimized at once), a pause for the background compiler, and 20 calls (or 1 s) more.
    /// </summary>
    private static void WarmUp(Action action)
    {
        void Until(int calls, double ms)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls && (i < 2 || Stopwatch.GetElapsedTime(start).TotalMilliseconds < ms); i++) action();
        }
        Until(40, 3000);
        Thread.Sleep(250);
        Until(20, 1000);
    }

    private static int RepsFor(Action action, int budgetMs)
    {
        action();
        long start = Stopwatch.GetTimestamp();
        action();
        double once = Math.Max(0.01, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return (int)Math.Clamp(budgetMs / once, 3, 200);
    }

    private static string Table(List<ChildResult>[] results, int rounds)
    {
        string[] names = results[0][0].Ms.Keys.ToArray();
        int vector128 = Array.FindIndex(Settings, s => s.Label == "EnableAVX2=0"), scalar = Settings.Length - 1;
        var sb = new StringBuilder();
        sb.Append("| kernel or config |");
        for (int s = 0; s < Settings.Length; s++) sb.Append($" {Settings[s].Label} ({results[s][0].Path}) |");
        sb.AppendLine(" scalar / Vector128 |");
        sb.Append("|---|");
        for (int s = 0; s <= Settings.Length; s++) sb.Append("---|");
        sb.AppendLine();
        double worstCell = double.PositiveInfinity;
        foreach (string name in names)
        {
            double[] ms = results.Select(r => Timing.Median(r.Select(c => c.Ms.GetValueOrDefault(name, double.NaN)))).ToArray();
            bool kernel = name.Contains(" fwd ", StringComparison.Ordinal) || name.Contains(" bwd ", StringComparison.Ordinal);
            // Kernels take microseconds: print them in µs, the models in ms.
            sb.Append(kernel ? $"| {name} (µs) |" : $"| {name} (ms) |");
            foreach (double v in ms) sb.Append(' ').Append((kernel ? v * 1000 : v).ToString(kernel ? "F2" : "F3", CultureInfo.InvariantCulture)).Append(" |");
            double ratio = ms[scalar] / ms[vector128];
            if (kernel) worstCell = Math.Min(worstCell, ratio);
            sb.AppendLine($" {ratio.ToString("F2", CultureInfo.InvariantCulture)}× |");
        }
        sb.AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"Medians of {rounds} round{(rounds == 1 ? "" : "s")}; each setting is a separate process (the JIT folds the width into constants). ");
        sb.Append("Cell kernels: one call of the pointwise part of a step (gates in, activations, c and h out; backward the gate gradients), ");
        sb.Append("inputs restored before each call and the restores' own time subtracted. Models: the peer workload's forward pass and train step (one thread). ");
        if (!double.IsPositiveInfinity(worstCell))
            sb.Append(CultureInfo.InvariantCulture, $"Cells on the Vector128 path against scalar: at least {worstCell:F2}× (target ≥ 3×). ");
        sb.AppendLine("`DOTNET_EnableAVX2=0` also turns FMA off (see the machine line), so the Vector128 column multiplies and adds separately; where the 128-bit path runs with FMA (Arm64) it fuses them.");
        return sb.ToString();
    }

    private static string MachineLine(List<ChildResult>[] results)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        string paths = string.Join("; ", Settings.Select((s, i) =>
        {
            ChildResult c = results[i][0];
            return $"{s.Label}: {c.Path}, FMA {(c.Fma ? "on" : "off")}, AVX {(c.Avx ? "on" : "off")}, SSE4.1 {(c.Sse41 ? "on" : "off")}";
        }));
        return $"Machine: {cpu}, {Environment.ProcessorCount} logical cores; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}. Paths: {paths}.";
    }

    private static string RepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
                if (File.Exists(System.IO.Path.Combine(d.FullName, "RnnGen.sln"))) return d.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        string? v = StringOption(args, name);
        return v is not null && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;
    }

    private static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
