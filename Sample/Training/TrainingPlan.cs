using System.Globalization;
using System.Text;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Models;
using RnnGen.Sample.Text;

namespace RnnGen.Sample.Training;

/// <summary>
/// A training run with everything resolved and checked before anything is written or trained: the shape and sizes
/// (from the options, the resumed checkpoint or the defaults), the text split into training and held-out ids, the
/// prompt, and every output path.
/// </summary>
public sealed record TrainingPlan(
    CharCheckpoint.Info? Resume, CharShape Shape, int Lanes, int Stride, float LearningRate,
    string Source, Alphabet Alphabet, int[] Train, int[] Validation, string Prompt, TrainingOutputs Outputs)
{
    /// <summary>Most lanes a run reads side by side (each replica holds the model's buffers for its compiled batch).</summary>
    public const int MaxLanes = 4096;

    /// <summary>Replicas of the shape's model trained side by side.</summary>
    public int Replicas => Lanes / Shape.Batch;

    /// <summary>Resolves and checks <paramref name="s"/>; throws <see cref="SampleException"/> on anything wrong.</summary>
    public static TrainingPlan Create(TrainSettings s, SampleContext context)
    {
        CharCheckpoint.Info? resume = s.Resume is null ? null : CharCheckpoint.ReadInfo(context.Resolve(s.Resume), s.Shape, "--resume", context);
        CharShape shape = ResolveShape(s, resume);
        (int lanes, int stride, float learningRate) = ResolveSizes(s, shape, resume, context);
        (string text, string source) = ReadText(s.TextPath, context);
        Alphabet alphabet = resume?.Alphabet ?? Alphabet.FromText(text, CharShapes.Vocabulary, source);
        (int[] train, int[] validation) = Split(alphabet.Encode(text, source), shape, lanes, source);
        string prompt = ResolvePrompt(s, resume, text, alphabet);
        TrainingOutputs outputs = TrainingOutputs.Resolve(s, resume, s.TextPath is null ? null : context.Resolve(s.TextPath), context);
        return new TrainingPlan(resume, shape, lanes, stride, learningRate, source, alphabet, train, validation, prompt, outputs);
    }

    private static CharShape ResolveShape(TrainSettings s, CharCheckpoint.Info? resume) =>
        resume?.Shape ?? (s.Shape is null ? CharShapes.Default : CharShapes.Find(s.Shape)
            ?? throw new SampleException($"unknown shape '{s.Shape}'; this build has: {CharShapes.Names}.", SampleApp.ExitUsage));

    /// <summary>Lanes, stride and learning rate: the options, else the resumed checkpoint's own, else the shape's defaults.</summary>
    private static (int Lanes, int Stride, float LearningRate) ResolveSizes(TrainSettings s, CharShape shape, CharCheckpoint.Info? resume, SampleContext context)
    {
        int? Saved(string key) => resume is not null && int.TryParse(resume.Metadata.GetValueOrDefault("rnngen.sample." + key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : null;
        float? savedRate = s.LearningRate is null ? SavedLearningRate(resume, context) : null;
        int lanes = s.Batch ?? Saved("lanes") ?? shape.Batch * CharShape.DefaultReplicas;
        if (lanes > MaxLanes)
        {
            throw new SampleException(s.Batch is not null
                ? $"--batch {lanes} is too large: at most {MaxLanes:N0} lanes ({MaxLanes / shape.Batch} replicas of shape '{shape.Name}')."
                : $"the resumed checkpoint records {lanes:N0} lanes; at most {MaxLanes:N0} are allowed: give --batch.", SampleApp.ExitUsage);
        }
        if (lanes % shape.Batch != 0)
            throw new SampleException($"--batch {lanes} is not a multiple of shape '{shape.Name}''s compiled batch of {shape.Batch} lanes (e.g. {shape.Batch * CharShape.DefaultReplicas}).", SampleApp.ExitUsage);
        int stride = s.Stride ?? Math.Min(Saved("stride") ?? shape.Steps, shape.Steps);
        if (stride > shape.Steps)
            throw new SampleException($"--stride {stride} exceeds shape '{shape.Name}''s window of {shape.Steps} steps.", SampleApp.ExitUsage);
        return (lanes, stride, s.LearningRate ?? savedRate ?? shape.LearningRate);
    }

    /// <summary>
    /// The learning rate a resumed checkpoint records, if any; one that is not a finite number above 0 (a file edited by
    /// hand: "Infinity", "NaN", "-1", a float overflow such as "1e39") is an error naming it rather than a rate the
    /// optimizer rejects later.
    /// </summary>
    private static float? SavedLearningRate(CharCheckpoint.Info? resume, SampleContext context)
    {
        const string key = "rnngen.sample.learning_rate";
        if (resume is null || !resume.Metadata.TryGetValue(key, out string? value)) return null;
        if (float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) && float.IsFinite(rate) && rate > 0) return rate;
        string shown = value.Length > 40 ? value[..40] + "…" : value;
        throw new SampleException($"{context.Show(resume.Path)}: its metadata {key} is \"{TrainingRun.Escape(shown)}\", not a learning rate (a finite number above 0); give --lr to train it anyway.");
    }

    /// <summary>The text to train on: the user's file, or the bundled corpus.</summary>
    private static (string Text, string Source) ReadText(string? path, SampleContext context)
    {
        string full = path is null ? Path.Combine(AppContext.BaseDirectory, "Data", TrainingRun.CorpusFile) : context.Resolve(path);
        string shown = path is null ? TrainingRun.CorpusFile + " (bundled)" : context.Show(full);
        if (path is null && !File.Exists(full)) throw new SampleException($"the bundled corpus is missing at {full}; rebuild the sample.");
        InputFiles.CheckRegular(full, shown, "text file", InputFiles.MaxTextBytes);
        string text;
        try
        {
            using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            // Read at most the cap (and one byte more, to notice a file that grew since it was measured).
            var bytes = new byte[(int)Math.Min(InputFiles.MaxTextBytes + 1, file.Length + 1)];
            int read = 0, n;
            while (read < bytes.Length && (n = file.Read(bytes, read, bytes.Length - read)) > 0) read += n;
            if (read > InputFiles.MaxTextBytes) throw new SampleException($"{shown} has more than {InputFiles.MaxTextBytes:N0} bytes; at most that many are read.");
            ReadOnlySpan<byte> content = bytes.AsSpan(0, read);
            if (content.StartsWith("\uFEFF"u8)) content = content[3..];
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new SampleException($"{shown} is not UTF-8 text.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"cannot read {shown}: {ex.Message}");
        }
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (text.Length == 0) throw new SampleException($"{shown} is empty.");
        if (text.Contains('\0', StringComparison.Ordinal)) throw new SampleException($"{shown} looks binary (it contains NUL characters), not text.");
        return (text, shown);
    }

    /// <summary>The first 90% to train on, the last 10% held out; both long enough for every lane.</summary>
    private static (int[] Train, int[] Validation) Split(int[] ids, CharShape shape, int lanes, string source)
    {
        int split = (int)(ids.Length * (1 - TrainingRun.ValidationFraction));
        long needed = (long)Math.Ceiling(checked((long)lanes * (shape.Steps + 1)) / TrainingRun.ValidationFraction);
        if (ids.Length < needed)
        {
            throw new SampleException(
                $"{source} has {ids.Length:N0} characters; shape '{shape.Name}' with {lanes} lanes of {shape.Steps + 1} needs at least {needed:N0} " +
                "(the last 10% is held out for validation); use a longer text or a smaller --batch.");
        }
        return (ids[..split], ids[split..]);
    }

    private static string ResolvePrompt(TrainSettings s, CharCheckpoint.Info? resume, string text, Alphabet alphabet)
    {
        string prompt = s.Prompt ?? resume?.Prompt ?? DefaultPrompt(text, s.TextPath is null);
        if (prompt.Length > CharCheckpoint.MaxPrompt)
            throw new SampleException($"--prompt has {prompt.Length:N0} characters; at most {CharCheckpoint.MaxPrompt:N0}.", SampleApp.ExitUsage);
        if (alphabet.Unknown(prompt) is { Length: > 0 } unknown)
        {
            throw new SampleException(s.Prompt is not null
                ? $"the prompt has characters the model has never seen: {Alphabet.Describe(unknown)}."
                : $"the default prompt \"{TrainingRun.Escape(prompt)}\" has characters the model has never seen: {Alphabet.Describe(unknown)}; give a --prompt.");
        }
        return prompt;
    }

    private static string DefaultPrompt(string text, bool bundled)
    {
        if (bundled) return "Holmes ";
        // The first three words of the first line, and a space when the text has one; else its first few symbols.
        string line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? text;
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string prompt = words.Length > 0 && text.Contains(' ', StringComparison.Ordinal) ? string.Join(' ', words.Take(3)) + " " : line;
        prompt = string.Concat(prompt.EnumerateRunes().Take(60));
        return prompt.Length > 0 ? prompt : string.Concat(text.EnumerateRunes().Take(1));
    }
}

/// <summary>The files a training run writes, each checked writable (absent, or the sample's own) before training starts.</summary>
public sealed record TrainingOutputs(string Folder, string Checkpoint, string Optimizer, string Plot, string Csv)
{
    /// <summary>Resolves the paths of <paramref name="s"/> and checks each.</summary>
    public static TrainingOutputs Resolve(TrainSettings s, CharCheckpoint.Info? resume, string? textPath, SampleContext context)
    {
        string folder = context.Resolve(s.Output);
        string checkpoint = s.Checkpoint is not null ? context.Resolve(s.Checkpoint)
            : resume is not null ? resume.Path
            : Path.Combine(folder, "char-model.safetensors");
        var outputs = new TrainingOutputs(folder, checkpoint, CharCheckpoint.OptimizerPathFor(checkpoint),
            Path.Combine(folder, "loss-curve.png"), Path.Combine(folder, "loss-curve.csv"));
        var inputs = new List<(string, string)>();
        if (textPath is not null) inputs.Add(("the text", textPath));
        if (resume is not null) inputs.Add(("--resume", resume.Path));
        OutputFiles.EnsureDistinct(
            [(s.Checkpoint is null ? "the checkpoint" : "--checkpoint", outputs.Checkpoint), ("the optimizer state", outputs.Optimizer), ("the loss curve", outputs.Plot), ("the loss-curve CSV", outputs.Csv)],
            inputs, context, rewritten: resume?.Path);
        OutputFiles.EnsureWritable(outputs.Checkpoint, OutputFiles.Kind.Checkpoint, context);
        OutputFiles.EnsureWritable(outputs.Optimizer, OutputFiles.Kind.Checkpoint, context);
        OutputFiles.EnsureWritable(outputs.Plot, OutputFiles.Kind.Png, context);
        OutputFiles.EnsureWritable(outputs.Csv, OutputFiles.Kind.Text, context);
        // A read-only or otherwise unwritable folder is found now, not after the training it would throw away.
        foreach (string target in new[] { outputs.Checkpoint, outputs.Optimizer, outputs.Plot, outputs.Csv }.Select(p => Path.GetDirectoryName(p) ?? ".").Distinct(StringComparer.Ordinal))
            OutputFiles.EnsureFolderWritable(target, context);
        return outputs;
    }
}
