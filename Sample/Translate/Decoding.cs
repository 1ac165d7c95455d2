using RnnGen.Randomness;
using RnnGen.Sample.Models;

namespace RnnGen.Sample.Translate;

/// <summary>
/// A decoding strategy: for a batch of sources (<c>[Steps, Batch]</c> ids and each lane's length, 0 for unused lanes),
/// writes the decoded text (up to the end token) of each of the first <c>used</c> lanes into <c>outputs</c>.
/// </summary>
public delegate void DecodeBatch(IDateModel model, int[] tokens, int[] sourceLengths, int used, string[] outputs);

/// <summary>A named decoding strategy: a row group of the accuracy table.</summary>
/// <param name="Name">As printed and in the CSV, e.g. <c>greedy</c>.</param>
/// <param name="Decode">The strategy.</param>
public sealed record DecodingStrategy(string Name, DecodeBatch Decode);

/// <summary>The decoding strategies <c>translate</c> scores, each over both models and every length bucket.</summary>
public static class DecodingStrategies
{
    /// <summary>
    /// Greedy decoding: the generated free-running pass <c>Generate(tokens, sourceLengths, temperature: 0, random)</c>
    /// feeds each step's most likely character to the next (temperature 0 never draws from <c>random</c>).
    /// </summary>
    public static DecodingStrategy Greedy { get; } = new("greedy", (model, tokens, sourceLengths, used, outputs) =>
    {
        model.Generate(tokens, sourceLengths, 0f, new Xoshiro256StarStar(0));
        ReadOnlySpan<int> generated = model.Generated; // [OutputSteps, Batch]
        Span<int> lane = stackalloc int[DateData.OutputSteps];
        for (int b = 0; b < used; b++)
        {
            for (int t = 0; t < DateData.OutputSteps; t++) lane[t] = generated[t * DateData.Batch + b];
            outputs[b] = DateData.DecodeTarget(lane);
        }
    });

    /// <summary>Each model's beam search, its buffers made on first use.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDateModel, Inference.BeamSearch<float>> Searches = new();

    /// <summary>Width of the beam search scored beside greedy decoding.</summary>
    public const int BeamWidth = 4;

    /// <summary>GNMT's length normalisation α: a hypothesis scores log P(Y|X) / ((5 + |Y|)/6)^α.</summary>
    public const double LengthPenalty = 0.6;

    /// <summary>
    /// Beam search of width <see cref="BeamWidth"/> (<see cref="Inference.BeamSearch{T}"/>): the encoder runs once per batch
    /// (<c>Encode</c>), then each lane's beam advances its hypotheses one decoder step at a time and stops each at the
    /// end token; the best hypothesis by normalised score is the translation. The search's buffers are made once per model.
    /// </summary>
    public static DecodingStrategy Beam { get; } = new($"beam {BeamWidth}", (model, tokens, sourceLengths, used, outputs) =>
    {
        Inference.BeamSearch<float> beam = Searches.GetValue(model, m => new Inference.BeamSearch<float>(m, BeamWidth, resultCount: 1, lengthPenalty: LengthPenalty, endToken: DateData.EndId));
        model.Encode(tokens, sourceLengths);
        for (int b = 0; b < used; b++)
            outputs[b] = beam.Search(b) > 0 ? DateData.DecodeTarget(beam.Tokens(0)) : "";
    });

    /// <summary>The strategies scored, in table order; the table, the CSV and the examples take every one listed.</summary>
    public static IReadOnlyList<DecodingStrategy> All { get; } = [Greedy, Beam];
}
