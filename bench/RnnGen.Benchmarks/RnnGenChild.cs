using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;

namespace RnnGen.Benchmarks;

/// <summary>
/// RnnGen's side of a <c>peers</c> configuration timed in a child process of this benchmark started under other
/// environment variables — e.g. <c>DOTNET_EnableAVX2=0</c>, so the generated kernels run at Vector128 — for a column
/// beside the main process's. The child lives for the whole configuration and times one round each time it is asked,
/// so it takes its turn in the alternating rounds like the other systems (and its JIT is as warm as the parent's).
/// </summary>
public sealed class RnnGenChild : IDisposable
{
    /// <summary>
    /// The <c>--simd</c> shortcuts; anything else is read as NAME=VALUE[,NAME=VALUE...]. On .NET 10 (checked on an
    /// AVX-512 host): v128 gives Vector128 with FMA, avx2-off Vector128 without FMA (SSE only: the AVX2 group takes FMA
    /// with it), v256 and avx512-off Vector256. The child reports what it got.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Shortcuts = new Dictionary<string, string>
    {
        ["v128"] = "DOTNET_PreferredVectorBitWidth=128",
        ["v256"] = "DOTNET_PreferredVectorBitWidth=256",
        ["avx2-off"] = "DOTNET_EnableAVX2=0",
        ["avx512-off"] = "DOTNET_EnableAVX512=0",
    };

    private readonly Process _process;

    public RnnGenChild(string config, int threads, double budgetMs, IReadOnlyDictionary<string, string> environment)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path to start the child from");
        string args = string.Create(CultureInfo.InvariantCulture, $"peers-child --config {config} --threads {threads} --budget-ms {budgetMs}");
        // Under "dotnet RnnGen.Benchmarks.dll" the process is dotnet itself: start it on this assembly.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") args = $"\"{typeof(RnnGenChild).Assembly.Location}\" {args}";
        var psi = new ProcessStartInfo(self, args) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach ((string name, string value) in environment) psi.Environment[name] = value;
        _process = Process.Start(psi)!;
        using JsonDocument hello = ReadLine();
        Vector = hello.RootElement.GetProperty("vector").GetString()!;
        HasFma = hello.RootElement.GetProperty("fma").GetBoolean();
    }

    /// <summary>Whether the child's JIT may use FMA instructions.</summary>
    public bool HasFma { get; }

    /// <summary>The widest vector the child's JIT accelerates (Vector512, Vector256, Vector128).</summary>
    public string Vector { get; }

    /// <summary>Parses NAME=VALUE[,NAME=VALUE...] or a shortcut of <see cref="Shortcuts"/>.</summary>
    public static IReadOnlyDictionary<string, string> ParseSwitch(string simd)
    {
        string spec = Shortcuts.TryGetValue(simd, out string? s) ? s : simd;
        var env = new Dictionary<string, string>();
        foreach (string pair in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            if (kv.Length != 2 || kv[0].Length == 0) throw new ArgumentException($"--simd takes {string.Join(", ", Shortcuts.Keys)} or NAME=VALUE[,NAME=VALUE...], not '{simd}'");
            env[kv[0]] = kv[1];
        }
        return env;
    }

    /// <summary>One round: the child's median forward and train-step milliseconds.</summary>
    public (double ForwardMs, double TrainMs) Round()
    {
        _process.StandardInput.WriteLine("round");
        _process.StandardInput.Flush();
        using JsonDocument json = ReadLine();
        return (json.RootElement.GetProperty("forward_ms").GetDouble(), json.RootElement.GetProperty("train_ms").GetDouble());
    }

    private JsonDocument ReadLine() =>
        JsonDocument.Parse(_process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the RnnGen child process ended (exit code {(_process.HasExited ? _process.ExitCode : -1)})"));

    public void Dispose()
    {
        try { _process.StandardInput.Close(); _process.WaitForExit(10_000); }
        catch (IOException) { } // the child already ended (broken pipe)
        finally { if (!_process.HasExited) _process.Kill(); _process.Dispose(); }
    }

    public static string WidestVector() =>
        Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

    /// <summary>The child's side (<c>peers-child --config KEY [--threads N] [--budget-ms B]</c>): says its vector width, then times one round per line read.</summary>
    public static int Serve(string[] args)
    {
        Workload w = Workload.Create(PeerComparison.StringOption(args, "--config") ?? throw new ArgumentException("peers-child needs --config"));
        w.Model.Threads = PeerComparison.IntOption(args, "--threads", 1);
        double budgetMs = PeerComparison.IntOption(args, "--budget-ms", 400);
        int forwardReps = Timing.RepsFor(w.Forward, budgetMs), trainReps = Timing.RepsFor(() => w.Train(), budgetMs);
        // One untimed round: the parent's first round follows its own calibration and warm-up the same way.
        Timing.MedianMilliseconds(w.Forward, forwardReps);
        Timing.MedianMilliseconds(() => w.Train(), trainReps);
        Console.WriteLine(JsonSerializer.Serialize(new { vector = WidestVector(), fma = Fma.IsSupported }));
        while (Console.ReadLine() is string line && line.Trim() == "round")
        {
            double f = Timing.MedianMilliseconds(w.Forward, forwardReps), t = Timing.MedianMilliseconds(() => w.Train(), trainReps);
            Console.WriteLine(JsonSerializer.Serialize(new { forward_ms = f, train_ms = t }));
        }
        return 0;
    }
}
