using BenchmarkDotNet.Attributes;
using RnnGen.Inference;

namespace RnnGen.Benchmarks;

// The Sample's translate model (dates to ISO 8601): a bidirectional GRU encoder over sources of up to 37 characters, a GRU(128) decoder
// with Luong dot attention, 12 output classes; and the same without attention.

/// <summary>The translate model with attention, at the Sample's batch.</summary>
[RnnModel(Steps = 37, Batch = 32, Topology = Topology.EncoderDecoder, OutputSteps = 11, EndToken = 11)]
[TokenInput(68, Embedding = 16)]
[Gru(64, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(12)]
public partial class TranslateAttention { }

/// <summary>The same model without attention.</summary>
[RnnModel(Steps = 37, Batch = 32, Topology = Topology.EncoderDecoder, OutputSteps = 11, EndToken = 11)]
[TokenInput(68, Embedding = 16)]
[Gru(64, Bidirectional = true)]
[SoftmaxOutput(12)]
public partial class TranslatePlain { }

/// <summary>
/// Decoding one step at a time (<c>DecoderStep</c>): the latency of one row (one hypothesis), of a beam's 4 rows and of
/// all 32 lanes; a whole beam search of width 4 for one source; and, for scale, the batch's greedy decoding and encoding.
/// </summary>
[MemoryDiagnoser]
public class DecoderStepBenchmarks
{
    private IDecoderStepModel<float, int, int> _model = null!;
    private BeamSearch<float> _beam = null!;
    private int[] _source = null!, _lanes1 = null!, _lanes4 = null!, _lanes32 = null!, _inputs = null!;
    private float[] _states = null!, _outputs = null!, _start = null!;

    [Params(true, false)]
    public bool Attention { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = Attention ? new TranslateAttention(seed: 1) : new TranslatePlain(seed: 1);
        var random = new Randomness.Xoshiro256StarStar(2);
        _source = new int[37 * 32];
        for (int i = 0; i < _source.Length; i++) _source[i] = (int)(random.NextUInt64() % 67) + 1;
        _model.Encode(_source);
        _lanes1 = [0];
        _lanes4 = [0, 1, 2, 3];
        _lanes32 = Enumerable.Range(0, 32).ToArray();
        int size = _model.DecoderStateSize;
        _states = new float[32 * size];
        _start = new float[32 * size];
        for (int lane = 0; lane < 32; lane++) _model.StartDecoder(lane, _start.AsSpan(lane * size, size));
        _inputs = new int[32];
        for (int r = 0; r < 32; r++) _model.StartInput(r, _inputs.AsSpan(r, 1));
        _outputs = new float[32 * _model.OutputSize];
        _beam = new BeamSearch<float>(_model, beamWidth: 4, resultCount: 1, lengthPenalty: 0.6, endToken: 11);
    }

    private void Step(int[] lanes)
    {
        // Every call starts from the lanes' start states, so the benchmark measures the same step each time.
        _start.AsSpan(0, lanes.Length * _model.DecoderStateSize).CopyTo(_states);
        _model.DecoderStep(lanes, _inputs.AsSpan(0, lanes.Length), _states.AsSpan(0, lanes.Length * _model.DecoderStateSize), _outputs.AsSpan(0, lanes.Length * _model.OutputSize));
    }

    [Benchmark]
    public void DecoderStep_1_row() => Step(_lanes1);

    [Benchmark]
    public void DecoderStep_4_rows() => Step(_lanes4);

    [Benchmark]
    public void DecoderStep_32_rows() => Step(_lanes32);

    [Benchmark]
    public int BeamSearch_width_4_one_source() => _beam.Search(0);

    [Benchmark]
    public void Encode_32_sources() => _model.Encode(_source);

    [Benchmark]
    public void Greedy_32_sources() => ((ITokenInputModel<float>)_model).Forward(_source);
}
