using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>Forward pass and train step of each peer configuration (BenchmarkDotNet's view of the same workload).</summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private Workload _w = null!;

    [Params("lstm-65-128-32-1", "lstm-65-128-32-16", "gru-65-128-32-16", "rnn-65-128-32-16", "lstm-128-256-64-16", "lstm-512-512-64-64")]
    public string Config { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _w = Workload.Create(Config);

    [Benchmark]
    public void Forward() => _w.Forward();

    [Benchmark]
    public float TrainStep() => _w.Train();
}
