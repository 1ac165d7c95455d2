using RnnGen.Sample.Models;
using RnnGen.Sample.Text;
using RnnGen.Sample.Training;

namespace RnnGen.Sample.Commands;

/// <summary><c>sample</c>: loads a checkpoint and generates text from a prompt, one character per <c>Step</c>.</summary>
public static class SampleTextCommand
{
    /// <summary>Default checkpoint path (what the default run writes).</summary>
    public static readonly string DefaultCheckpoint = Path.Combine("output", "char-model.safetensors");

    /// <summary>Generates; returns the exit code.</summary>
    public static int Execute(string checkpoint, string? shape, string? prompt, int length, float temperature, ulong seed, SampleContext context)
    {
        if (shape is not null && CharShapes.Find(shape) is null)
            throw new SampleException($"unknown shape '{shape}'; this build has: {CharShapes.Names}.", SampleApp.ExitUsage);
        CharCheckpoint.Info info = CharCheckpoint.ReadInfo(context.Resolve(checkpoint), shape, "--shape", context);
        string text = prompt ?? info.Prompt;
        if (text.Length == 0) throw new SampleException("the prompt is empty; give at least one character.", SampleApp.ExitUsage);
        if (text.Length > CharCheckpoint.MaxPrompt) throw new SampleException($"--prompt has {text.Length:N0} characters; at most {CharCheckpoint.MaxPrompt:N0}.", SampleApp.ExitUsage);
        if (info.Alphabet.Unknown(text) is { Length: > 0 } unknown)
            throw new SampleException($"the prompt has characters the model has never seen: {Alphabet.Describe(unknown)} (its alphabet has {info.Alphabet.Count} characters).");
        using ITokenStepModel<float> model = info.Shape.Create(0);
        CharCheckpoint.Load(model, info, context);
        string generated = TextGenerator.Generate(model, info.Alphabet, text, length, temperature, seed, context);
        // A figure that is not a number (a file edited by hand) is left out rather than fatal.
        string validation = double.TryParse(info.Metadata.GetValueOrDefault("rnngen.sample.validation_bits_per_char"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double bits) && double.IsFinite(bits)
            ? $", {bits:F2} bits/char on held-out text" : "";
        context.Error.WriteLine($"{context.Show(info.Path)}: shape {info.Shape.Name} ({info.Shape.Layers}){validation}; temperature {TrainingRun.Fmt(temperature)}, seed {seed}.");
        context.Out.WriteLine(text + generated);
        return SampleApp.ExitOk;
    }
}
