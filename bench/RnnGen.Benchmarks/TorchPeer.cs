using System.Diagnostics;
using System.Text.Json;

namespace RnnGen.Benchmarks;

/// <summary>Runs bench/peers/torch_peer.py (PyTorch, one thread) and bench/peers/export_onnx.py as subprocesses.</summary>
public sealed class TorchPeer(string scriptsFolder)
{
    public const string Python = "/usr/bin/python3";

    public string ScriptsFolder { get; } = scriptsFolder;

    public string SetupHint => $"install it with: sh {Path.Combine(ScriptsFolder, "setup.sh")} (Debian python3-torch and OpenBLAS)";

    /// <summary>Null when PyTorch is usable; otherwise why not.</summary>
    public string? Problem()
    {
        if (!File.Exists(Python)) return $"{Python} not found; {SetupHint}";
        if (!File.Exists(Path.Combine(ScriptsFolder, "torch_peer.py"))) return $"torch_peer.py not found in {ScriptsFolder}; pass --scripts DIR";
        (int code, _, string err) = RunProcess(Python, "-c \"import torch\"");
        return code == 0 ? null : $"PyTorch does not import ({err.Trim().Split('\n').LastOrDefault()}); {SetupHint}";
    }

    public sealed record Result(string Peer, double ForwardMs, double TrainMs, double PeakRssMb);

    public Result Measure(Workload w, int reps, int threads = 1) => Measure(w.Cell, w.Input, w.Hidden, w.Steps, w.Batch, reps, threads);

    /// <summary>The peer's forward and train step; with <paramref name="lengths"/>, over the batch packed with those lane lengths.</summary>
    public Result Measure(string cell, int input, int hidden, int steps, int batch, int reps, int threads = 1, int[]? lengths = null)
    {
        string args = $"{Quote(Path.Combine(ScriptsFolder, "torch_peer.py"))} --cell {cell} --input {input} --hidden {hidden} --steps {steps} --batch {batch} --threads {threads} --reps {reps}";
        if (lengths is not null) args += " --lengths " + string.Join(',', lengths);
        (int code, string output, string err) = RunProcess(Python, args, threads);
        if (code != 0) throw new InvalidOperationException($"torch_peer.py failed: {err}");
        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n').Last());
        JsonElement r = json.RootElement;
        return new Result(r.GetProperty("peer").GetString()!, r.GetProperty("forward_ms").GetDouble(), r.GetProperty("train_ms").GetDouble(), r.GetProperty("peak_rss_mb").GetDouble());
    }

    public string ExportOnnx(Workload w, string folder) => ExportOnnx(w.Cell, w.Input, w.Hidden, w.Steps, w.Batch, folder);

    /// <summary>The peer's inference graph; with <paramref name="lengths"/>, with the "lengths" input (the recurrent operator's sequence_lens).</summary>
    public string ExportOnnx(string cell, int input, int hidden, int steps, int batch, string folder, bool lengths = false)
    {
        string path = Path.Combine(folder, $"{cell}-{input}-{hidden}-{steps}-{batch}{(lengths ? "-lengths" : "")}.onnx");
        if (File.Exists(path)) return path;
        string args = $"{Quote(Path.Combine(ScriptsFolder, "export_onnx.py"))} --cell {cell} --input {input} --hidden {hidden} --steps {steps} --batch {batch}{(lengths ? " --lengths" : "")} --out {Quote(path)}";
        (int code, _, string err) = RunProcess(Python, args);
        if (code != 0 || !File.Exists(path)) throw new InvalidOperationException($"export_onnx.py failed: {err}");
        return path;
    }

    private static string Quote(string s) => "\"" + s + "\"";

    private static (int Code, string Output, string Error) RunProcess(string file, string arguments, int threads = 1)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // torch.set_num_threads does not reach OpenBLAS's own pool: without these, "--threads 1" still ran its GEMMs
        // on both cores (measured: 17.3 s user in 11.2 s wall, large train 379 ms; pinned to one, 632 ms).
        foreach (string name in new[] { "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS" })
            psi.Environment[name] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
