using BenchmarkDotNet.Running;
using RnnGen.Benchmarks;

// peers [--threads N] [--configs a,b]: side-by-side comparison with ONNX Runtime and PyTorch; long: T = 32 vs T = 1024 per-step time; soak: GC and
// working set over a long training run; breakdown: a train step's time by phase; forward-phases, backward-phases: an LSTM forward's or backward's time by kernel; latency: batch-1 forward and Step by weight format; guard: the cost of the one-call-at-a-time guard;
// lengths [--write]: lanes of different lengths (packed) against padded, PyTorch's packed sequences and ONNX Runtime's sequence_lens;
// replicas [--rounds N] [--budget ms]: data-parallel replicas (ReplicaGroup, StreamTrainer) on one thread and two against one model;
// anything else goes to BenchmarkDotNet (e.g. --filter *Gemm*).
return args.FirstOrDefault() switch
{
    "peers" => PeerComparison.Run(args[1..]),
    "peers-child" => RnnGenChild.Serve(args[1..]), // peers --simd: RnnGen's timings in a child process under other environment variables
    "fma" => FmaPeak.Print(), // this core's single-thread FMA peak at 512, 256 and 128 bits (peers measures it too)
    "long" => LongUnroll.Run(args[1..]),
    "soak" => Soak.Run(args[1..]),
    "breakdown" => PhaseBreakdown.Run(args[1..]),
    "forward-phases" => ForwardPhases.Run(args[1..]),
    "backward-phases" => BackwardPhases.Run(args[1..]),
    "latency" => BatchOneLatency.Run(args[1..]),
    "guard" => GuardCost.Run(args[1..]),
    "lengths" => LengthsComparison.Run(args[1..]),
    "simd" => SimdPathComparison.Run(args[1..]),
    "replicas" => ReplicaScaling.Run(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Workload).Assembly).Run(args);
    return 0;
}
