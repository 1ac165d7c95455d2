using RnnGen.Randomness;
using RnnGen.Sample.Translate;

namespace RnnGen.Sample.Models;

/// <summary>
/// What <c>translate</c> needs of its two encoder–decoder models (the generated members satisfy it): teacher-forced
/// training with source and target lengths, and free-running decoding with source lengths.
/// </summary>
public interface IDateModel : IEncoderDecoderModel<float, int, int>
{
    /// <summary>Free-running decoding (temperature 0: greedy) of sources of <paramref name="sourceLengths"/> characters.</summary>
    void Generate(ReadOnlySpan<int> tokens, ReadOnlySpan<int> sourceLengths, float temperature, Xoshiro256StarStar random);

    /// <summary>The tokens chosen by the last <see cref="Generate"/>, <c>[OutputSteps, Batch]</c>.</summary>
    ReadOnlySpan<int> Generated { get; }
}

// The two models of `translate` differ only in the [Attention] line: the same embedding, the same bidirectional GRU
// encoder (2 × 64, so the decoder GRU is 128 wide), the same decoder and head. Dot attention adds no score parameters;
// what it adds is W_c [128, 256] (h̃_t = tanh(W_c·[c_t ; h_t]), which the head reads instead of h_t).

/// <summary>Dates to ISO 8601 with Luong dot attention over the encoder's outputs.</summary>
[RnnModel(Steps = DateData.Steps, Batch = DateData.Batch, Topology = Topology.EncoderDecoder, OutputSteps = DateData.OutputSteps, EndToken = DateData.EndId)]
[TokenInput(DateData.SourceVocabulary, Embedding = DateData.Embedding)]
[Gru(DateData.EncoderHidden, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(DateData.TargetClasses)]
public partial class DateAttentionModel : IDateModel { }

/// <summary>The same model without attention: the decoder sees the source only through the encoder's final state.</summary>
[RnnModel(Steps = DateData.Steps, Batch = DateData.Batch, Topology = Topology.EncoderDecoder, OutputSteps = DateData.OutputSteps, EndToken = DateData.EndId)]
[TokenInput(DateData.SourceVocabulary, Embedding = DateData.Embedding)]
[Gru(DateData.EncoderHidden, Bidirectional = true)]
[SoftmaxOutput(DateData.TargetClasses)]
public partial class DatePlainModel : IDateModel { }
