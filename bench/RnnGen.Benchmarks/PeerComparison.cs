using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/RnnGen.Benchmarks -- peers</c>: each configuration of the peer workload
/// timed side by side — RnnGen forward and train step, ONNX Runtime forward, PyTorch forward and train step —
/// alternating between systems for several rounds in one run; the table (medians of round medians) is printed
/// and written to bench/RESULTS.md.
/// </summary>
public static class PeerComparison
{
    private sealed record Row(Workload W, double Forward, double Train, double Ort, double TorchForward, double TorchTrain, double TorchRssMb, string Notes);

    public static int Run(string[] args)
    {
        int rounds = IntOption(args, "--rounds", 3);
        double budgetMs = IntOption(args, "--budget-ms", 400);
        string repoRoot = RepositoryRoot();
        string scripts = StringOption(args, "--scripts") ?? Path.Combine(repoRoot, "bench", "peers");
        string[] configs = StringOption(args, "--configs")?.Split(',') ?? Workload.PeerConfigs;
        int threads = IntOption(args, "--threads", 1);
        // The committed RESULTS.md holds the one-thread table; other thread counts print only unless --write is given.
        bool write = !args.Contains("--no-write") && (threads == 1 || args.Contains("--write"));

        var torch = new TorchPeer(scripts);
        string? torchProblem = torch.Problem();
        if (torchProblem is not null) Console.WriteLine($"PyTorch peer missing: {torchProblem}. ONNX Runtime needs it too (to export the graph); RnnGen still runs.");
        string onnxFolder = Path.Combine(Path.GetTempPath(), "rnngen-peers");
        Directory.CreateDirectory(onnxFolder);
        string? torchVersion = null;

        var rows = new List<Row>();
        foreach (string key in configs)
        {
            Workload w = Workload.Create(key);
            w.Model.Threads = threads;
            Console.WriteLine($"{w.Name}: {rounds} rounds, {threads} thread{(threads == 1 ? "" : "s")} per system");
            OnnxRuntimePeer? ort = null;
            string notes = "";
            if (torchProblem is null)
            {
                try { ort = new OnnxRuntimePeer(torch.ExportOnnx(w, onnxFolder), w.Steps, w.Batch, w.Input, w.Classes, threads); }
                catch (Exception ex) when (ex is InvalidOperationException or OnnxRuntimeException or DllNotFoundException) { notes = "ORT: " + ex.Message.Split('\n')[0]; }
            }
            int forwardReps = Timing.RepsFor(w.Forward, budgetMs), trainReps = Timing.RepsFor(() => w.Train(), budgetMs);
            int ortReps = ort is null ? 0 : Timing.RepsFor(ort.Run, budgetMs);
            var f = new List<double>(); var t = new List<double>(); var o = new List<double>();
            var tf = new List<double>(); var tt = new List<double>(); double rss = double.NaN;
            for (int r = 0; r < rounds; r++)
            {
                // Alternate: each system runs once per round, so drift (thermal, other load) hits all alike.
                f.Add(Timing.MedianMilliseconds(w.Forward, forwardReps));
                if (ort is not null) o.Add(Timing.MedianMilliseconds(ort.Run, ortReps));
                t.Add(Timing.MedianMilliseconds(() => w.Train(), trainReps));
                if (torchProblem is null)
                {
                    TorchPeer.Result pr = torch.Measure(w, Math.Clamp(trainReps, 10, 60), threads);
                    tf.Add(pr.ForwardMs); tt.Add(pr.TrainMs); rss = pr.PeakRssMb; torchVersion = pr.Peer;
                }
            }
            ort?.Dispose();
            var row = new Row(w, Timing.Median(f), Timing.Median(t), Timing.Median(o), Timing.Median(tf), Timing.Median(tt), rss, notes);
            rows.Add(row);
            Console.WriteLine($"  RnnGen forward {row.Forward:F3} ms, train {row.Train:F3} ms; ORT forward {row.Ort:F3} ms; PyTorch forward {row.TorchForward:F3} ms, train {row.TorchTrain:F3} ms");
        }

        string table = Table(rows);
        string machine = MachineLine(torchVersion, threads);
        Console.WriteLine();
        Console.WriteLine(machine);
        Console.WriteLine();
        Console.WriteLine(table);
        if (write)
        {
            string path = Path.Combine(repoRoot, "bench", "RESULTS.md");
            File.WriteAllText(path, Report(machine, table, threads));
            Console.WriteLine($"written to {path}");
        }
        return 0;
    }

    private static string Table(IReadOnlyList<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| config (I, H, T, B) | RnnGen fwd ms | ORT fwd ms | fwd ratio | RnnGen train ms | PyTorch train ms | train ratio | RnnGen fwd GFLOP/s | RnnGen train GFLOP/s | RnnGen MB (×min) | PyTorch peak RSS MB |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            Workload w = r.W;
            double fwdGflops = w.ForwardFlops / (r.Forward * 1e6), trainGflops = 3 * w.ForwardFlops / (r.Train * 1e6);
            var fp = w.Footprint;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {w.Cell.ToUpperInvariant()} {w.Input}, {w.Hidden}, {w.Steps}, {w.Batch} | {r.Forward:F3} | {Ms(r.Ort)} | {Ratio(r.Ort, r.Forward)} | {r.Train:F3} | {Ms(r.TorchTrain)} | {Ratio(r.TorchTrain, r.Train)} | {fwdGflops:F1} | {trainGflops:F1} | {fp.Total / 1048576.0:F1} ({fp.OverheadRatio:F2}×) | {Ms(r.TorchRssMb, "F0")} |{(r.Notes.Length > 0 ? " " + r.Notes : "")}"));
        }
        sb.AppendLine();
        sb.AppendLine("Ratios are peer time / RnnGen time (above 1: RnnGen is faster). Train = zero-grad, forward, loss, backward, clip to norm 5, SGD step; its GFLOP/s counts 3 × the forward FLOPs, as torch_peer.py does. RnnGen MB is the model's own buffers (parameters, gradients, activations, scratch, state) and, in brackets, their ratio to the BPTT minimum (parameters + gradients + activations backward reads); PyTorch's figure is the whole process's peak resident memory, libraries included.");
        return sb.ToString();
    }

    private static string Ms(double v, string format = "F3") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    private static string Ratio(double peer, double ours) => double.IsNaN(peer) ? "n/a" : (peer / ours).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static string Report(string machine, string table, int threads) =>
        "# Benchmark results\n\n" +
        $"Written by `dotnet run -c Release --project bench/RnnGen.Benchmarks -- peers{(threads == 1 ? "" : $" --threads {threads} --write")}` ({(threads == 1 ? "one thread" : $"{threads} threads")} per system, medians of alternating rounds).\n\n" +
        machine + "\n\n" + table;

    internal static string MachineLine(string? torchVersion, int threads)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        string isa = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "no wide SIMD";
        string ort;
        try { ort = "ONNX Runtime " + OnnxRuntimePeer.Version; } catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException) { ort = "ONNX Runtime unavailable"; }
        return $"Machine: {cpu}, {Environment.ProcessorCount} logical cores ({threads} used per system), {isa}; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}; {ort}; {torchVersion ?? "PyTorch unavailable"}; {DateTime.UtcNow:yyyy-MM-dd}.";
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
