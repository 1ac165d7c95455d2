using RnnGen.Sample.Models;

namespace RnnGen.Sample.Classify;

/// <summary>
/// THE LENGTHS PATH — the one place the "with lengths" run differs from the padded one. Both runs read the same
/// right-padded words (letters from step 0, then pads); the padded run calls <c>Forward(tokens)</c>, so its head reads the
/// state after the pads; this one gives the generator each lane's length (<see cref="IVariableLengthModel{T, TInput, TTarget}"/>),
/// so the state stops at the word's last letter and the head reads it there.
/// </summary>
public static class LengthsPath
{
    /// <summary>
    /// True when the generated model takes per-lane lengths. While it is false (the generator's variable-length
    /// overloads had not landed when this was written), the "lengths" run is a stand-in: the words are left-padded
    /// (<see cref="LeftPad"/>), so the last real letter sits at the last step and the head reads the state right after
    /// it — what lengths do for many-to-one, except that the state has run through the pads first.
    /// </summary>
    public const bool UsesLengths = false;

    /// <summary>Whether the batches of this run are left-padded (only for the stand-in).</summary>
    public const bool LeftPad = !UsesLengths;

    /// <summary>What the run is called in the output.</summary>
    public const string Label = UsesLengths ? "with lengths" : "lengths stand-in (left-padded)";

    /// <summary>The forward pass of this run.</summary>
    public static void Forward(LangIdModel model, ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths)
    {
        _ = lengths; // once the generator has Forward(tokens, lengths): model.Forward(tokens, lengths)
        model.Forward(tokens);
    }

    /// <summary>A training step of this run; returns the loss before the update.</summary>
    public static float TrainStep(LangIdModel model, ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths, IOptimizer<float> optimizer, float clip)
    {
        _ = lengths; // once the generator has it: model.TrainStep(tokens, targets, lengths, optimizer, clip)
        return model.TrainStep(tokens, targets, optimizer, clip);
    }
}
