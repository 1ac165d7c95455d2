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

    /// <summary>Metadata key of the checkpoint's data digest that an optimizer file records: the save it belongs to.</summary>
    public const string ModelDigestKey = "rnngen.sample.model_sha256";

    /// <summary>Longest metadata value read from a checkpoint (an alphabet is at most 128 symbols; a prompt at most <see cref="MaxPrompt"/>).</summary>
    public const int MaxMetadataValue = 65_536;

    /// <summary>Longest prompt, in UTF-16 units: every character is one model step.</summary>
    public const int MaxPrompt = 10_000;

    /// <summary>What a checkpoint's header says, checked against this build's shapes.</summary>
    public sealed record Info(string Path, CharShape Shape, Alphabet Alphabet, string Prompt, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Saves <paramref name="model"/> with the metadata (atomically: a failed save leaves the old file).</summary>
    public static void Save(IRnnModel<float> model, string path, CharShape shape, Alphabet alphabet, string prompt, IEnumerable<KeyValuePair<string, string>> extra)
    {
        using PendingFile pending = Stage(model, path, shape, alphabet, prompt, extra);
        pending.Commit();
    }

    /// <summary><see cref="Save"/> up to the rename: written and flushed beside <paramref name="path"/>, replaced by <see cref="PendingFile.Commit"/>.</summary>
    public static PendingFile Stage(IRnnModel<float> model, string path, CharShape shape, Alphabet alphabet, string prompt, IEnumerable<KeyValuePair<string, string>> extra)
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
        OutputFiles.ThrowIfFailing(path);
        return Safetensors.Stage(model, path, metadata);
    }

    /// <summary>
    /// Reads a checkpoint's header: it must exist, be a safetensors file written by this sample, and hold a shape this
    /// build has (and <paramref name="expectedShape"/>, when given). Nothing is loaded yet.
    /// </summary>
    public static Info ReadInfo(string path, string? expectedShape, string option, SampleContext context)
    {
        string shown = context.Show(path);
        InputFiles.CheckRegular(path, shown, "checkpoint", InputFiles.MaxCheckpointBytes);
        SafetensorsHeader header;
        try
        {
            header = Safetensors.ReadHeader(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"cannot read checkpoint {shown}: {Describe(ex, path, context)}");
        }
        foreach (KeyValuePair<string, string> kv in header.Metadata)
        {
            if (kv.Value.Length > MaxMetadataValue)
                throw new SampleException($"{shown}: its metadata {kv.Key} is {kv.Value.Length:N0} characters long; at most {MaxMetadataValue:N0} are accepted.");
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
        string prompt = header.Metadata.GetValueOrDefault(PromptKey, "") is { Length: > 0 and <= MaxPrompt } p && alphabet.Unknown(p).Length == 0 ? p : alphabet.Symbol(0);
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

    /// <summary>
    /// Stages the optimizer's state for <paramref name="model"/>, marked as this sample's like a checkpoint and bound to the
    /// checkpoint save it belongs to: it records that checkpoint's data digest (<paramref name="modelDigest"/>) and steps trained,
    /// so a resume can tell an optimizer file of another save (a run stopped between the two renames) from its own.
    /// </summary>
    public static PendingFile StageOptimizer(Optimizer<float> optimizer, IRnnModel<float> model, string path, CharShape shape, string modelDigest, string stepsTrained)
    {
        OutputFiles.ThrowIfFailing(path);
        return Safetensors.StageOptimizer(optimizer, model, path, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ShapeKey] = shape.Name,
            ["rnngen.sample.written_by"] = OutputFiles.Mark,
            [ModelDigestKey] = modelDigest,
            ["rnngen.sample.steps_trained"] = stepsTrained,
        });
    }

    /// <summary>The data digest a checkpoint (or its staged temporary file) records.</summary>
    public static string DigestOf(string path) => Safetensors.ReadHeader(path).Metadata.GetValueOrDefault(Safetensors.DigestKey, "");

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
            InputFiles.CheckRegular(path, shown, "optimizer state file", InputFiles.MaxCheckpointBytes);
            IReadOnlyDictionary<string, string> meta = Safetensors.ReadHeader(path).Metadata;
            string checkpoint = context.Show(info.Path);
            if (!meta.TryGetValue(ModelDigestKey, out string? boundTo))
                return $"the optimizer starts afresh: {shown} does not record which save of {checkpoint} it belongs to";
            if (!string.Equals(boundTo, info.Metadata.GetValueOrDefault(Safetensors.DigestKey), StringComparison.OrdinalIgnoreCase)
                || meta.GetValueOrDefault("rnngen.sample.steps_trained") != info.Metadata.GetValueOrDefault("rnngen.sample.steps_trained"))
                return $"the optimizer starts afresh: {shown} was saved with another save of {checkpoint} (a run stopped between the two saves)";
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
