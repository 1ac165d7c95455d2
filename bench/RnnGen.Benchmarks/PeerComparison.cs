using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/RnnGen.Benchmarks -- peers</c>: each configuration of the peer workload
/// timed side by side — RnnGen forward and train step, oneDNN's RNN primitives forward and train step
/// (bench/peers/onednn_peer.cpp), ONNX Runtime forward, PyTorch forward and train step — alternating between systems
/// for several rounds in one run, with this core's FMA peak measured at the start and at the end; the table (medians
/// of round medians) is printed and written to its section of bench/RESULTS.md (the sections below it are kept).
/// <para>
/// Options: <c>--rounds N</c> (3), <c>--budget-ms MS</c> (400: timing per system, configuration and round),
/// <c>--configs a,b</c>, <c>--threads N</c> (1), <c>--systems rnngen,onednn,ort,torch</c> (all; RnnGen always runs),
/// <c>--simd v128|v256|avx2-off|avx512-off|NAME=VALUE,...</c> (RnnGen also timed in a child process under those environment
/// variables, e.g. at Vector128: extra columns), <c>--onednn PATH</c> (the peer's binary; default bench/peers/bin,
/// built by build-onednn.sh when missing), <c>--scripts DIR</c>, <c>--no-write</c>, <c>--write</c>.
/// </para>
/// </summary>
public static class PeerComparison
{
    public const string SectionBegin = "<!-- peers: written by `-- peers`; everything between these markers is replaced -->";
    public const string SectionEnd = "<!-- /peers -->";

    private sealed record Row(Workload W, double Forward, double Train, double Ort, double TorchForward, double TorchTrain, double TorchRssMb,
        double DnnForward, double DnnTrain, double DnnRssMb, double AltForward, double AltTrain, string Notes);

    private static readonly string[] AllSystems = { "rnngen", "onednn", "ort", "torch" };

    public static int Run(string[] args)
    {
        int rounds = IntOption(args, "--rounds", 3);
        double budgetMs = IntOption(args, "--budget-ms", 400);
        string repoRoot = RepositoryRoot();
        string scripts = StringOption(args, "--scripts") ?? Path.Combine(repoRoot, "bench", "peers");
        string[] configs = StringOption(args, "--configs")?.Split(',') ?? Workload.PeerConfigs;
        int threads = IntOption(args, "--threads", 1);
        string[] systems = StringOption(args, "--systems")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? AllSystems;
        string? unknown = systems.FirstOrDefault(s => !AllSystems.Contains(s));
        if (unknown is not null) { Console.Error.WriteLine($"--systems: unknown '{unknown}'; known: {string.Join(",", AllSystems)}"); return 2; }
        string? simd = StringOption(args, "--simd");
        IReadOnlyDictionary<string, string>? simdEnv = simd is null ? null : RnnGenChild.ParseSwitch(simd);
        // The committed RESULTS.md holds the one-thread table; other thread counts, a subset of the systems or of the
        // configurations print only unless --write is given.
        bool partial = threads != 1 || systems.Length != AllSystems.Length || args.Contains("--configs");
        bool write = !args.Contains("--no-write") && (!partial || args.Contains("--write"));

        bool useTorch = systems.Contains("torch"), useOrt = systems.Contains("ort"), useDnn = systems.Contains("onednn");
        var torch = new TorchPeer(scripts);
        string? torchProblem = useTorch || useOrt ? torch.Problem() : "not selected";
        if (torchProblem is not null && (useTorch || useOrt))
            Console.WriteLine($"PyTorch peer missing: {torchProblem}. ONNX Runtime needs it too (to export the graph); the other systems still run.");
        var dnn = new OneDnnPeer(scripts, StringOption(args, "--onednn"));
        string? dnnProblem = useDnn ? dnn.Problem() : "not selected";
        if (dnnProblem is not null && useDnn) Console.WriteLine($"oneDNN peer missing: {dnnProblem}. The other systems still run.");
        string onnxFolder = Path.Combine(Path.GetTempPath(), "rnngen-peers");
        Directory.CreateDirectory(onnxFolder);
        string? torchVersion = null;
        OneDnnPeer.Result? dnnInfo = null;
        var dnnImpl = new SortedSet<string>(StringComparer.Ordinal); var dnnImplTrain = new SortedSet<string>(StringComparer.Ordinal);
        string? altVector = null;
        bool altFma = true;

        Console.WriteLine("FMA peak (C# loop, one thread), start of the run ...");
        FmaPeak.Result peakStart = FmaPeak.Measure();
        Console.WriteLine($"  {peakStart}");
        FmaPeak.Result? peakC = File.Exists(Path.Combine(Path.GetDirectoryName(dnn.Binary)!, "fma_peak")) ? dnn.CLoopPeak() : null;
        if (peakC is not null) Console.WriteLine($"  C loop (fma_peak.c): {peakC}");

        var rows = new List<Row>();
        foreach (string key in configs)
        {
            Workload w = Workload.Create(key);
            w.Model.Threads = threads;
            Console.WriteLine($"{w.Name}: {rounds} rounds, {threads} thread{(threads == 1 ? "" : "s")} per system");
            OnnxRuntimePeer? ort = null;
            var notes = new List<string>();
            if (useOrt && torchProblem is null)
            {
                try { ort = new OnnxRuntimePeer(torch.ExportOnnx(w, onnxFolder), w.Steps, w.Batch, w.Input, w.Classes, threads); }
                catch (Exception ex) when (ex is InvalidOperationException or OnnxRuntimeException or DllNotFoundException) { notes.Add("ORT: " + ex.Message.Split('\n')[0]); }
            }
            RnnGenChild? child = null;
            if (simdEnv is not null)
            {
                try { child = new RnnGenChild(key, threads, budgetMs, simdEnv); altVector = child.Vector; altFma = child.HasFma; }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or System.Text.Json.JsonException) { notes.Add("RnnGen child: " + ex.Message.Split('\n')[0]); }
            }
            int forwardReps = Timing.RepsFor(w.Forward, budgetMs), trainReps = Timing.RepsFor(() => w.Train(), budgetMs);
            int ortReps = ort is null ? 0 : Timing.RepsFor(ort.Run, budgetMs);
            int peerReps = Math.Clamp(trainReps, 10, 60);
            var f = new List<double>(); var t = new List<double>(); var o = new List<double>();
            var tf = new List<double>(); var tt = new List<double>(); double rss = double.NaN;
            var df = new List<double>(); var dt = new List<double>(); double dnnRss = double.NaN;
            var af = new List<double>(); var at = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                // Alternate: each system runs once per round, so drift (thermal, other load) hits all alike.
                f.Add(Timing.MedianMilliseconds(w.Forward, forwardReps));
                if (ort is not null) o.Add(Timing.MedianMilliseconds(ort.Run, ortReps));
                t.Add(Timing.MedianMilliseconds(() => w.Train(), trainReps));
                if (useTorch && torchProblem is null)
                {
                    TorchPeer.Result pr = torch.Measure(w, peerReps, threads);
                    tf.Add(pr.ForwardMs); tt.Add(pr.TrainMs); rss = pr.PeakRssMb; torchVersion = pr.Peer;
                }
                if (useDnn && dnnProblem is null)
                {
                    try
                    {
                        OneDnnPeer.Result dr = dnn.Measure(w, peerReps, threads);
                        df.Add(dr.ForwardMs); dt.Add(dr.TrainMs); dnnRss = dr.PeakRssMb; dnnInfo = dr;
                        dnnImpl.Add(dr.Impl); dnnImplTrain.Add(dr.ImplTrain);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException)
                    {
                        if (!notes.Any(n => n.StartsWith("oneDNN", StringComparison.Ordinal))) notes.Add("oneDNN: " + ex.Message.Split('\n')[0]);
                    }
                }
                if (child is not null)
                {
                    try
                    {
                        (double cf, double ct) = child.Round();
                        af.Add(cf); at.Add(ct);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Text.Json.JsonException)
                    {
                        notes.Add("RnnGen child: " + ex.Message.Split('\n')[0]);
                        child.Dispose();
                        child = null;
                    }
                }
            }
            ort?.Dispose();
            child?.Dispose();
            var row = new Row(w, Timing.Median(f), Timing.Median(t), Timing.Median(o), Timing.Median(tf), Timing.Median(tt), rss,
                Timing.Median(df), Timing.Median(dt), dnnRss, Timing.Median(af), Timing.Median(at), string.Join("; ", notes));
            rows.Add(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  RnnGen forward {Ms(row.Forward)} ms, train {Ms(row.Train)} ms; oneDNN forward {Ms(row.DnnForward)} ms, train {Ms(row.DnnTrain)} ms; ORT forward {Ms(row.Ort)} ms; PyTorch forward {Ms(row.TorchForward)} ms, train {Ms(row.TorchTrain)} ms") +
                (simdEnv is null ? "" : $"; RnnGen under {simd}: forward {Ms(row.AltForward)} ms, train {Ms(row.AltTrain)} ms"));
        }

        Console.WriteLine("FMA peak (C# loop, one thread), end of the run ...");
        FmaPeak.Result peakEnd = FmaPeak.Measure();
        Console.WriteLine($"  {peakEnd}");

        var peaks = new Peaks(peakStart, peakEnd, peakC);
        string table = Table(rows, peaks, simd, altVector, altFma);
        string machine = MachineLine(torchVersion, threads, dnnInfo is null ? null : $"{dnnInfo.Peer} (ISA {dnnInfo.Isa}; the RNN implementations it chose: {string.Join(", ", dnnImpl)} for inference, {string.Join(", ", dnnImplTrain)} (forward / backward) for training)");
        string peakLine = peaks.Line(RnnGenChild.WidestVector(), altVector);
        Console.WriteLine();
        Console.WriteLine(machine);
        Console.WriteLine();
        Console.WriteLine(peakLine);
        Console.WriteLine();
        Console.WriteLine(table);
        if (write)
        {
            string path = Path.Combine(repoRoot, "bench", "RESULTS.md");
            string text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmark results\n";
            File.WriteAllText(path, WithSection(text, Section(machine, peakLine, table, args, rounds, threads)));
            Console.WriteLine($"written to {path}");
        }
        return 0;
    }

    /// <summary>The FMA peaks of the run: the C# loop at its start and end, and the C loop when it was built.</summary>
    private sealed record Peaks(FmaPeak.Result Start, FmaPeak.Result End, FmaPeak.Result? C)
    {
        /// <summary>The higher of the start and end figures at <paramref name="vector"/>'s width: the ceiling a fraction is taken of.</summary>
        public double At(string? vector) => vector switch
        {
            "Vector512" => Math.Max(Start.Gflops512, End.Gflops512),
            "Vector256" => Math.Max(Start.Gflops256, End.Gflops256),
            "Vector128" => Math.Max(Start.Gflops128, End.Gflops128),
            _ => double.NaN,
        };

        public string Line(string vector, string? altVector) =>
            $"FMA peak, one thread (FmaPeak.cs: 12 independent FMA accumulators, best of 3 runs of 100 ms): {Start} at the start of the run, {End} at its end" +
            (C is null ? "" : $"; the same loop in C (fma_peak.c, gcc -O3 -march=native): {C}") +
            $". RnnGen ran at {vector}{(altVector is null ? "" : $" (and at {altVector} in the child process)")}; its fractions of peak are of the higher of the start and end figures at that width.";
    }

    private static string Table(IReadOnlyList<Row> rows, Peaks peaks, string? simd, string? altVector, bool altFma)
    {
        string vector = RnnGenChild.WidestVector();
        double peak = peaks.At(vector), altPeak = peaks.At(altVector);
        bool alt = simd is not null;
        string altName = altVector ?? "child";
        var sb = new StringBuilder();
        sb.Append("| config (I, H, T, B) | RnnGen fwd ms | oneDNN fwd ms | ORT fwd ms | PyTorch fwd ms | RnnGen train ms | oneDNN train ms | PyTorch train ms ");
        sb.Append("| RnnGen GFLOP/s fwd / train | RnnGen % of FMA peak fwd / train | oneDNN GFLOP/s fwd / train ");
        sb.Append("| fwd ratio vs oneDNN | vs ORT | vs PyTorch | train ratio vs oneDNN | vs PyTorch ");
        if (alt) sb.Append($"| RnnGen {altName} fwd / train ms | {altName} GFLOP/s fwd / train (% of peak) ");
        sb.AppendLine("| RnnGen MB (×min) | peak RSS MB PyTorch / oneDNN |");
        sb.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", alt ? 20 : 18)));
        foreach (Row r in rows)
        {
            Workload w = r.W;
            double flops = w.ForwardFlops;
            var fp = w.Footprint;
            var line = new StringBuilder();
            line.Append(string.Create(CultureInfo.InvariantCulture,
                $"| {w.Cell.ToUpperInvariant()} {w.Input}, {w.Hidden}, {w.Steps}, {w.Batch} | {Ms(r.Forward)} | {Ms(r.DnnForward)} | {Ms(r.Ort)} | {Ms(r.TorchForward)} | {Ms(r.Train)} | {Ms(r.DnnTrain)} | {Ms(r.TorchTrain)} "));
            line.Append(string.Create(CultureInfo.InvariantCulture,
                $"| {Gflops(flops, r.Forward)} / {Gflops(3 * flops, r.Train)} | {Percent(flops, r.Forward, peak)} / {Percent(3 * flops, r.Train, peak)} | {Gflops(flops, r.DnnForward)} / {Gflops(3 * flops, r.DnnTrain)} "));
            line.Append($"| {Ratio(r.DnnForward, r.Forward)} | {Ratio(r.Ort, r.Forward)} | {Ratio(r.TorchForward, r.Forward)} | {Ratio(r.DnnTrain, r.Train)} | {Ratio(r.TorchTrain, r.Train)} ");
            if (alt)
                line.Append(string.Create(CultureInfo.InvariantCulture,
                    $"| {Ms(r.AltForward)} / {Ms(r.AltTrain)} | {Gflops(flops, r.AltForward)} / {Gflops(3 * flops, r.AltTrain)} ({Percent(flops, r.AltForward, altPeak)} / {Percent(3 * flops, r.AltTrain, altPeak)}) "));
            line.Append(string.Create(CultureInfo.InvariantCulture, $"| {fp.Total / 1048576.0:F1} ({fp.OverheadRatio:F2}×) | {Ms(r.TorchRssMb, "F0")} / {Ms(r.DnnRssMb, "F0")} |"));
            if (r.Notes.Length > 0) line.Append(' ').Append(r.Notes);
            sb.AppendLine(line.ToString());
        }
        sb.AppendLine();
        sb.Append(
            "Systems: RnnGen, the generated model (PeerModels.cs) at its widest accelerated vector; oneDNN, its RNN primitives " +
            "(forward_inference; forward_training and backward) with a matmul head, driven by bench/peers/onednn_peer.cpp; ONNX Runtime, the graph of " +
            "export_onnx.py (the standard LSTM/GRU/RNN operator, Linear, Softmax), forward only; PyTorch, bench/peers/torch_peer.py. " +
            "All run the same workload on one layer with a softmax head; fwd = the inference pass with the softmax; train = zero-grad, forward, loss, backward, " +
            "clip to global norm 5, SGD step (lr 0.01) — oneDNN's train step also pays, as a training loop on it must, the weight reorders between its " +
            "primitives' layouts and the input gradient its backward always computes. bench/peers/check_onednn.py checks that the oneDNN peer's probabilities, " +
            "loss, gradients and updated parameters match PyTorch's. Times are medians (ms) of per-round medians, the systems alternating round by round. " +
            "Ratios are peer time / RnnGen time (above 1: RnnGen is faster). GFLOP/s count T·B·(2·G·H·(I+H) + 2·H·C) for a forward pass and 3 × that for a " +
            "train step, as torch_peer.py does; % of FMA peak is RnnGen's GFLOP/s over the FMA loop's peak at the width RnnGen ran at (see the line above the " +
            "table), a ceiling real kernels stay below (loads, activations and the softmax are not FMAs; a figure above 100 % means the machine was busier while the peak was measured than during that timing). ");
        if (alt)
            sb.Append($"RnnGen {altName}: the same RnnGen timings from a child process of the benchmark started with {Describe(simd!)}, its turn taken in the same rounds{(altFma ? "" : ", without FMA instructions (that switch disables them too), so its kernels multiply and add separately")}; its % of peak is of the FMA loop at that width. ");
        sb.AppendLine(
            "RnnGen MB is the model's own buffers (parameters, gradients, activations, scratch, state) and, in brackets, their ratio to the BPTT minimum " +
            "(parameters + gradients + activations backward reads); PyTorch's and oneDNN's figures are the whole peer process's peak resident memory, libraries included.");
        return sb.ToString();
    }

    private static string Describe(string simd) =>
        string.Join(" and ", RnnGenChild.ParseSwitch(simd).Select(kv => $"`{kv.Key}={kv.Value}`"));

    private static string Ms(double v, string format = "F3") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    private static string Gflops(double flops, double ms) => double.IsNaN(ms) ? "n/a" : (flops / (ms * 1e6)).ToString("F1", CultureInfo.InvariantCulture);

    private static string Percent(double flops, double ms, double peak) =>
        double.IsNaN(ms) || double.IsNaN(peak) ? "n/a" : (100 * flops / (ms * 1e6) / peak).ToString("F0", CultureInfo.InvariantCulture) + " %";

    private static string Ratio(double peer, double ours) => double.IsNaN(peer) || double.IsNaN(ours) ? "n/a" : (peer / ours).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static string Section(string machine, string peakLine, string table, string[] args, int rounds, int threads)
    {
        var command = new StringBuilder("dotnet run -c Release --project bench/RnnGen.Benchmarks -- peers");
        if (rounds != 3) command.Append(CultureInfo.InvariantCulture, $" --rounds {rounds}");
        foreach (string option in new[] { "--threads", "--systems", "--configs", "--simd" })
            if (StringOption(args, option) is string v) command.Append($" {option} {v}");
        if (args.Contains("--write")) command.Append(" --write");
        return $"Written by `{command}` ({(threads == 1 ? "one thread" : $"{threads} threads")} per system, medians of {rounds} alternating round{(rounds == 1 ? "" : "s")}). " +
            "To reproduce from a clone: `sh bench/peers/setup.sh` (PyTorch, OpenBLAS), `sh bench/peers/build-onednn.sh` (the oneDNN peer), then this command.\n\n" +
            machine + "\n\n" + peakLine + "\n\n" + table;
    }

    /// <summary>
    /// Replaces the text between <see cref="SectionBegin"/> and <see cref="SectionEnd"/>; without the markers (a file
    /// written before them), the part between the title and the first <c>## </c> heading, which becomes the marked
    /// section. Everything else in the file is kept.
    /// </summary>
    internal static string WithSection(string text, string section)
    {
        string marked = SectionBegin + "\n\n" + section.TrimEnd('\n') + "\n\n" + SectionEnd + "\n";
        int begin = text.IndexOf(SectionBegin, StringComparison.Ordinal);
        int end = begin < 0 ? -1 : text.IndexOf(SectionEnd, begin, StringComparison.Ordinal);
        if (begin >= 0 && end >= 0)
        {
            int after = end + SectionEnd.Length;
            if (after < text.Length && text[after] == '\n') after++;
            return text[..begin] + marked + text[after..];
        }
        int title = text.StartsWith("# ", StringComparison.Ordinal) ? 0 : text.IndexOf("\n# ", StringComparison.Ordinal) is int t and >= 0 ? t + 1 : -1;
        if (title < 0) return "# Benchmark results\n\n" + marked + (text.Length > 0 ? "\n" + text : "");
        int newline = text.IndexOf('\n', title);
        string head = newline < 0 ? text + "\n" : text[..(newline + 1)];
        int next = newline < 0 ? -1 : text.IndexOf("\n## ", newline, StringComparison.Ordinal);
        return head + "\n" + marked + (next >= 0 ? "\n" + text[(next + 1)..] : "");
    }

    internal static string MachineLine(string? torchVersion, int threads, string? oneDnn = null)
    {
        string cpu = "unknown CPU", family = "";
        if (File.Exists("/proc/cpuinfo"))
        {
            string[] head = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Trim().Length > 0).ToArray();
            string? Field(string name) => head.FirstOrDefault(l => l.Split(':', 2)[0].Trim() == name)?.Split(':', 2)[1].Trim();
            cpu = Field("model name") ?? cpu;
            if (int.TryParse(Field("cpu family"), out int fam) && int.TryParse(Field("model"), out int model))
                family = $", family {fam} model {model}{Generation(Field("vendor_id"), fam, model)}";
        }
        string isa = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "no wide SIMD";
        string ort;
        try { ort = "ONNX Runtime " + OnnxRuntimePeer.Version; } catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException) { ort = "ONNX Runtime unavailable"; }
        return $"Machine: {cpu}{family}, {Environment.ProcessorCount} logical cores ({threads} used per system), {isa}; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}; {ort}; {torchVersion ?? "PyTorch unavailable"}{(oneDnn is null ? "" : "; " + oneDnn)}; {DateTime.UtcNow:yyyy-MM-dd}.";
    }

    /// <summary>AMD's core generation from the CPU family and model (Zen 3 and Zen 4 share family 25).</summary>
    private static string Generation(string? vendor, int family, int model)
    {
        if (vendor != "AuthenticAMD") return "";
        return family switch
        {
            23 => " (Zen / Zen 2)",
            25 => model switch
            {
                >= 0x10 and <= 0x1F or >= 0x60 and <= 0x7F or >= 0xA0 and <= 0xAF => " (Zen 4)",
                >= 0x00 and <= 0x0F or >= 0x20 and <= 0x2F or >= 0x40 and <= 0x5F => " (Zen 3)",
                _ => "",
            },
            26 => " (Zen 5)",
            _ => "",
        };
    }

    internal static string RepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "RnnGen.sln"))) return d.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        string? v = StringOption(args, name);
        return v is not null && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;
    }

    internal static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
