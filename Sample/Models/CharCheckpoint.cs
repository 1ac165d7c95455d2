using System.Globalization;
using RnnGen.Checkpoints;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Text;

namespace RnnGen.Sample.Models;

/// <summary>
/// A character model's checkpoint: the generated model's tensors in safetensors (PyTorch names) plus metadata the
/// sample needs to use it again — the shape, the alphabet in id order, the default prompt and how it was trained.
/// </summary>
public static class CharCheckpoint
{
    /// <summary>Metadata key of the shape name; its presence marks a checkpoint as this sample's.</summary>
    public const string ShapeKey = "rnngen.sample.shape";

    /// <summary>Metadata key of the alphabet (the characters in id order).</summary>
    public const string AlphabetKey = "rnngen.sample.alphabet";

    /// <summary>Metadata key of the default prompt for <c>sample</c>.</summary>
    public const string PromptKey = "rnngen.sample.prompt";

    /// <summary>What a checkpoint's header says, checked against this build's shapes.</summary>
    public sealed record Info(string Path, CharShape Shape, Alphabet Alphabet, string Prompt, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Saves <paramref name="model"/> with the metadata (atomically: a failed save leaves the old file).</summary>
    public static void Save(IRnnModel<float> model, string path, CharShape shape, Alphabet alphabet, string prompt, IEnumerable<KeyValuePair<string, string>> extra)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ShapeKey] = shape.Name,
            [AlphabetKey] = alphabet.Symbols,
            [PromptKey] = prompt,
            ["rnngen.sample.written_by"] = OutputFiles.Mark,
            ["rnngen.sample.saved_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        foreach (KeyValuePair<string, string> kv in extra) metadata["rnngen.sample." + kv.Key] = kv.Value;
        Safetensors.Save(model, path, metadata);
    }

    /// <summary>
    /// Reads a checkpoint's header: it must exist, be a safetensors file written by this sample, and hold a shape this
    /// build has (and <paramref name="expectedShape"/>, when given). Nothing is loaded yet.
    /// </summary>
    public static Info ReadInfo(string path, string? expectedShape, string option, SampleContext context)
    {
        string shown = context.Show(path);
        if (Directory.Exists(path)) throw new SampleException($"{shown} is a folder, not a checkpoint file.");
        if (!File.Exists(path)) throw new SampleException($"checkpoint {shown} not found.");
        SafetensorsHeader header;
        try
        {
            header = Safetensors.ReadHeader(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"cannot read checkpoint {shown}: {Describe(ex, path, context)}");
        }
        if (!header.Metadata.TryGetValue(ShapeKey, out string? shapeName))
            throw new SampleException($"{shown} is a safetensors file but not a checkpoint of this sample (it records no model shape).");
        CharShape shape = CharShapes.Find(shapeName)
            ?? throw new SampleException($"{shown} holds a model of shape '{shapeName}', which this build does not have (shapes: {CharShapes.Names}).");
        if (expectedShape is not null && !string.Equals(expectedShape, shape.Name, StringComparison.Ordinal))
            throw new SampleException($"{shown} holds a '{shape.Name}' model, not '{expectedShape}'; use --shape {shape.Name} or omit --shape ({option}).");
        if (!header.Metadata.TryGetValue(AlphabetKey, out string? symbols))
            throw new SampleException($"{shown} records no alphabet.");
        Alphabet alphabet = Alphabet.FromSymbols(symbols, CharShapes.Vocabulary, shown);
        string prompt = header.Metadata.GetValueOrDefault(PromptKey, "") is { Length: > 0 } p && alphabet.Unknown(p).Length == 0 ? p : alphabet.Symbols[..1];
        return new Info(path, shape, alphabet, prompt, header.Metadata);
    }

    /// <summary>Loads the tensors of <paramref name="info"/> into <paramref name="model"/> (all or nothing).</summary>
    public static void Load(IRnnModel<float> model, Info info, SampleContext context)
    {
        try
        {
            Safetensors.Load(model, info.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"cannot load checkpoint {context.Show(info.Path)}: {Describe(ex, info.Path, context)}");
        }
    }

    /// <summary>Where the optimizer state of the checkpoint at <paramref name="checkpointPath"/> goes: beside it, as <c>{name}.optimizer.safetensors</c>.</summary>
    public static string OptimizerPathFor(string checkpointPath)
    {
        string name = Path.GetFileName(checkpointPath);
        string stem = name.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? name[..^".safetensors".Length] : name;
        return Path.Combine(Path.GetDirectoryName(checkpointPath) ?? ".", stem + ".optimizer.safetensors");
    }

    /// <summary>Saves the optimizer's state for <paramref name="model"/> (atomically), marked as this sample's like a checkpoint.</summary>
    public static void SaveOptimizer(Optimizer<float> optimizer, IRnnModel<float> model, string path, CharShape shape) =>
        Safetensors.SaveOptimizer(optimizer, model, path, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ShapeKey] = shape.Name,
            ["rnngen.sample.written_by"] = OutputFiles.Mark,
        });

    /// <summary>
    /// Loads the optimizer state saved beside the resumed checkpoint <paramref name="info"/> into <paramref name="optimizer"/>,
    /// when there is one and it was made by the same optimizer; returns what happened, for the run's header. A state file
    /// that cannot be loaded is an error (the optimizer is unchanged), not a silent fresh start.
    /// </summary>
    public static string ResumeOptimizer(Optimizer<float> optimizer, IRnnModel<float> model, Info info, string optimizerName, SampleContext context)
    {
        string path = OptimizerPathFor(info.Path);
        string shown = context.Show(path);
        if (!File.Exists(path)) return $"the optimizer starts afresh: there is no {shown}";
        if (info.Metadata.GetValueOrDefault("rnngen.sample.optimizer") is { } saved && !string.Equals(saved, optimizerName, StringComparison.Ordinal))
            return $"the optimizer starts afresh: the checkpoint was trained with {saved}, this run uses {optimizerName}";
        try
        {
            Safetensors.LoadOptimizer(optimizer, model, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"cannot resume the optimizer from {shown}: {Describe(ex, path, context)} (delete it to start the optimizer afresh)");
        }
        return $"the optimizer continues from step {optimizer.StepCount.ToString("N0", CultureInfo.InvariantCulture)} of {shown}";
    }

    private static string Describe(Exception ex, string path, SampleContext context)
    {
        string message = ex switch
        {
            CheckpointException c => c.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? c.Message[(path.Length + 2)..] : c.Message,
            EndOfStreamException => "the file is truncated.",
            _ => ex.Message,
        };
        return message.Replace(path, context.Show(path), StringComparison.Ordinal);
    }
}
