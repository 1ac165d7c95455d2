using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RnnGen.Benchmarks;

/// <summary>
/// Runs bench/peers/bin/onednn_peer (oneDNN's RNN primitives on torch_peer.py's workload; see onednn_peer.cpp) as a
/// subprocess, building it with bench/peers/build-onednn.sh the first time it is missing. Also runs the C FMA loop
/// that script builds beside it (fma_peak), the cross-check of <see cref="FmaPeak"/>.
/// </summary>
public sealed class OneDnnPeer
{
    private readonly string _scriptsFolder;
    private string? _problem;

    /// <param name="scriptsFolder">bench/peers.</param>
    /// <param name="binary">The peer's binary; null for bench/peers/bin/onednn_peer.</param>
    public OneDnnPeer(string scriptsFolder, string? binary = null)
    {
        _scriptsFolder = scriptsFolder;
        Binary = binary ?? Path.Combine(scriptsFolder, "bin", "onednn_peer");
    }

    public string Binary { get; private set; }

    public string BuildScript => Path.Combine(_scriptsFolder, "build-onednn.sh");

    /// <summary>Null when the peer can run (after building it if it was missing); otherwise why not.</summary>
    public string? Problem()
    {
        if (_problem is not null || File.Exists(Binary)) return _problem;
        if (!File.Exists(BuildScript)) return _problem = $"{Binary} not found and no {BuildScript} to build it; pass --scripts DIR or --onednn PATH";
        Console.WriteLine($"building the oneDNN peer: sh {BuildScript} {Path.GetDirectoryName(Binary)}");
        (int code, string output, string err) = RunProcess("/bin/sh", $"\"{BuildScript}\" \"{Path.GetDirectoryName(Binary)}\"", 1);
        string built = output.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
        if (code == 0 && File.Exists(built)) { Binary = built; return null; }
        string why = (err + "\n" + output).Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0) ?? $"exit code {code}";
        return _problem = $"building it failed ({why}); run sh {BuildScript} (it installs Debian's libdnnl-dev and g++ if missing, which needs root)";
    }

    public sealed record Result(string Peer, double ForwardMs, double TrainMs, double PeakRssMb, string Isa, string Impl, string ImplTrain);

    public Result Measure(Workload w, int reps, int threads = 1)
    {
        string args = string.Create(CultureInfo.InvariantCulture,
            $"--cell {w.Cell} --input {w.Input} --hidden {w.Hidden} --steps {w.Steps} --batch {w.Batch} --classes {w.Classes} --threads {threads} --reps {reps}");
        (int code, string output, string err) = RunProcess(Binary, args, threads);
        if (code != 0) throw new InvalidOperationException($"onednn_peer failed: {err.Trim()}");
        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n').Last());
        JsonElement r = json.RootElement;
        return new Result(r.GetProperty("peer").GetString()!, r.GetProperty("forward_ms").GetDouble(), r.GetProperty("train_ms").GetDouble(),
            r.GetProperty("peak_rss_mb").GetDouble(), r.GetProperty("isa").GetString()!, r.GetProperty("impl").GetString()!, r.GetProperty("impl_train").GetString()!);
    }

    /// <summary>The C loop's FMA peak (fma_peak, built beside the peer), or null when it is not there or fails.</summary>
    public FmaPeak.Result? CLoopPeak()
    {
        string path = Path.Combine(Path.GetDirectoryName(Binary)!, "fma_peak");
        if (!File.Exists(path)) return null;
        (int code, string output, _) = RunProcess(path, "", 1);
        if (code != 0) return null;
        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n').Last());
        JsonElement r = json.RootElement;
        static double G(JsonElement e) { double v = e.GetDouble(); return v > 0 ? v : double.NaN; }
        return new FmaPeak.Result(G(r.GetProperty("fma512_gflops")), G(r.GetProperty("fma256_gflops")), G(r.GetProperty("fma128_gflops")));
    }

    private static (int Code, string Output, string Error) RunProcess(string file, string arguments, int threads)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Debian's oneDNN threads through OpenMP; the peer also calls omp_set_num_threads.
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
