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

    /// <summary>
    /// The strategies scored, in table order.
    /// BEAM SEARCH GOES HERE: after merging RnnGen.Inference.BeamSearch (width K, GNMT length normalisation over the
    /// decoder-step API), add a <see cref="DecodingStrategy"/> named "beam K" to this list; the table, the CSV and the
    /// examples take every strategy listed, so nothing else changes.
    /// </summary>
    public static IReadOnlyList<DecodingStrategy> All { get; } = [Greedy];
}
