using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks;

/// <summary>
/// ONNX Runtime on the graph export_onnx.py writes (standard LSTM/GRU/RNN operators, Linear, Softmax):
/// as many intra-op threads as RnnGen uses (one by default), sequential execution, all graph optimizations; inputs and outputs bound once so a run
/// allocates nothing on the managed side. With <c>lengths</c>, the graph of <c>export_onnx.py --lengths</c>: each lane's
/// length is bound once to its "lengths" input, the recurrent operator's sequence_lens.
/// </summary>
public sealed class OnnxRuntimePeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _x, _y;
    private readonly OrtValue? _lengths;
    private readonly float[] _output;

    public OnnxRuntimePeer(string modelPath, int steps, int batch, int input, int classes, int threads = 1, int[]? lengths = null)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "1");
        _session = new InferenceSession(modelPath, options);
        var random = new Randomness.Xoshiro256StarStar(42);
        var x = new float[steps * batch * input];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
        _x = OrtValue.CreateTensorValueFromMemory(x, new long[] { steps, batch, input });
        _output = new float[steps * batch * classes];
        _y = OrtValue.CreateTensorValueFromMemory(_output, new long[] { steps, batch, classes });
        _binding = _session.CreateIoBinding();
        _binding.BindInput("x", _x);
        if (lengths is not null)
        {
            _lengths = OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(lengths, l => (long)l), new long[] { batch });
            _binding.BindInput("lengths", _lengths);
        }
        _binding.BindOutput("y", _y);
    }

    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>The last run's output "y", [T, B, C].</summary>
    public ReadOnlySpan<float> Output => _output;

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _x.Dispose();
        _lengths?.Dispose();
        _y.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
