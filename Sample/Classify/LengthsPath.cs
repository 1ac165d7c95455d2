using RnnGen.Sample.Models;

namespace RnnGen.Sample.Classify;

/// <summary>
/// THE LENGTHS PATH — the one place the "with lengths" run differs from the padded one. Both runs read the same
/// right-padded words (letters from step 0, then pads); the padded run calls <c>Forward(tokens)</c>, so its head reads the
/// state after the pads; this one gives the generated model each lane's length
/// (<see cref="IVariableLengthModel{T, TInput, TTarget}"/>), so each lane's state stops at the word's last letter and
/// the head reads it there. A lane of length 0 (the unused lanes of the last held-out batch) does not exist.
/// </summary>
public static class LengthsPath
{
    /// <summary>What the run is called in the output.</summary>
    public const string Label = "with lengths";

    /// <summary>The forward pass of this run.</summary>
    public static void Forward(LangIdModel model, ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths) => model.Forward(tokens, lengths);

    /// <summary>A training step of this run; returns the loss before the update.</summary>
    public static float TrainStep(LangIdModel model, ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths, IOptimizer<float> optimizer, float clip)
        => model.TrainStep(tokens, targets, lengths, optimizer, clip);
}
