using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen.Randomness;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Models;
using RnnGen.Sample.Plotting;
using RnnGen.Sample.Text;

namespace RnnGen.Sample.Training;

/// <summary>
/// <c>train</c> and the default run: read the text, hold out its last 10 %, train a character model with truncated
/// BPTT under a time or epoch budget (progress bar, Ctrl+C stops early), measure bits per character, then write the
/// checkpoint and the loss curve and print generated text.
/// </summary>
public static class TrainingRun
{
    /// <summary>Name of the bundled corpus in the output folder.</summary>
    public const string CorpusFile = "sherlock.txt";

    /// <summary>Fraction of the text held out for validation (its end).</summary>
    public const double ValidationFraction = 0.1;

    private static readonly double Ln2 = Math.Log(2);

    /// <summary>Runs training; returns the exit code.</summary>
    public static int Execute(TrainSettings s, SampleContext context)
    {
        TextWriter o = context.Out;

        // 1. Everything that can be wrong is checked before anything is written or trained.
        CharCheckpoint.Info? resume = s.Resume is null ? null : CharCheckpoint.ReadInfo(context.Resolve(s.Resume), s.Shape, "--resume", context);
        CharShape shape = resume?.Shape ?? (s.Shape is null ? CharShapes.Default : CharShapes.Find(s.Shape)
            ?? throw new SampleException($"unknown shape '{s.Shape}'; this build has: {CharShapes.Names}.", SampleApp.ExitUsage));
        // Resuming continues with the checkpoint's own batch, stride and learning rate unless told otherwise.
        int? Saved(string key) => resume is not null && int.TryParse(resume.Metadata.GetValueOrDefault("rnngen.sample." + key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : null;
        float? savedRate = resume is not null && float.TryParse(resume.Metadata.GetValueOrDefault("rnngen.sample.learning_rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) && rate > 0 ? rate : null;
        int lanes = s.Batch ?? Saved("lanes") ?? shape.Batch * CharShape.DefaultReplicas;
        if (lanes % shape.Batch != 0)
            throw new SampleException($"--batch {lanes} is not a multiple of shape '{shape.Name}''s compiled batch of {shape.Batch} lanes (e.g. {shape.Batch * CharShape.DefaultReplicas}).", SampleApp.ExitUsage);
        int replicas = lanes / shape.Batch;
        int stride = s.Stride ?? Math.Min(Saved("stride") ?? shape.Steps, shape.Steps);
        if (stride > shape.Steps)
            throw new SampleException($"--stride {stride} exceeds shape '{shape.Name}''s window of {shape.Steps} steps.", SampleApp.ExitUsage);
        float learningRate = s.LearningRate ?? savedRate ?? shape.LearningRate;

        (string text, string source) = ReadText(s.TextPath, context);
        Alphabet alphabet = resume?.Alphabet ?? Alphabet.FromText(text, CharShapes.Vocabulary, source);
        int[] ids = alphabet.Encode(text, source);
        int split = (int)(ids.Length * (1 - ValidationFraction));
        int[] train = ids[..split], validation = ids[split..];
        int needed = (int)Math.Ceiling(lanes * (shape.Steps + 1) / ValidationFraction);
        if (ids.Length < needed)
        {
            throw new SampleException(
                $"{source} has {ids.Length:N0} characters; shape '{shape.Name}' with {lanes} lanes of {shape.Steps + 1} needs at least {needed:N0} " +
                "(the last 10% is held out for validation); use a longer text or a smaller --batch.");
        }
        string prompt = s.Prompt ?? resume?.Prompt ?? DefaultPrompt(text, s.TextPath is null);
        if (alphabet.Unknown(prompt) is { Length: > 0 } unknown)
            throw new SampleException($"the prompt has characters the model has never seen: {Alphabet.Describe(unknown)}.");

        string outputFolder = context.Resolve(s.Output);
        string checkpointPath = s.Checkpoint is not null ? context.Resolve(s.Checkpoint)
            : resume is not null ? resume.Path
            : Path.Combine(outputFolder, "char-model.safetensors");
        string plotPath = Path.Combine(outputFolder, "loss-curve.png"), csvPath = Path.Combine(outputFolder, "loss-curve.csv");
        OutputFiles.EnsureWritable(checkpointPath, OutputFiles.Kind.Checkpoint, context);
        string optimizerPath = CharCheckpoint.OptimizerPathFor(checkpointPath);
        OutputFiles.EnsureWritable(optimizerPath, OutputFiles.Kind.Checkpoint, context);
        OutputFiles.EnsureWritable(plotPath, OutputFiles.Kind.Png, context);
        OutputFiles.EnsureWritable(csvPath, OutputFiles.Kind.Text, context);

        // 2. The models: one replica per lane group, all with the same parameters.
        var models = new ICharModel[replicas];
        for (int r = 0; r < replicas; r++) models[r] = shape.Create(s.Seed);
        if (resume is not null) CharCheckpoint.Load(models[0], resume, context);
        int threads = Math.Clamp(s.Threads ?? Environment.ProcessorCount, 1, replicas);
        var trainer = new CharTrainer(models, stride, threads) { ClipNorm = s.Clip };
        Optimizer<float> optimizer = CreateOptimizer(s.Optimizer, learningRate, s.WeightDecay);
        string? resumedOptimizer = resume is null ? null : CharCheckpoint.ResumeOptimizer(optimizer, trainer.Model, resume, s.Optimizer, context);

        int windowsPerEpoch = trainer.WindowsPerEpoch(train.Length, stride);
        long totalWindows = s.Epochs is { } epochs ? Math.Max(1, (long)Math.Ceiling(epochs * windowsPerEpoch)) : long.MaxValue;
        double budgetSeconds = s.Epochs is null ? s.Minutes * 60 : double.PositiveInfinity;
        double unigram = UnigramBits(train, validation, alphabet.Count);

        o.WriteLine($"RnnGen sample: a character-level language model compiled by RnnGen.");
        o.WriteLine($"  model      {shape.Name}: {shape.Layers} over {CharShapes.Vocabulary} one-hot symbols, {shape.ParameterCount:N0} parameters ({shape.Architecture.Name})");
        o.WriteLine($"  text       {source}: {ids.Length:N0} characters, {alphabet.Count} distinct; {train.Length:N0} train, {validation.Length:N0} held out (the last 10%)");
        o.WriteLine($"  training   truncated BPTT: window {shape.Steps}, stride {stride}, {lanes} lanes ({replicas} replica{(replicas > 1 ? "s" : "")} × {shape.Batch} on {threads} thread{(threads > 1 ? "s" : "")}); " +
                    $"{s.Optimizer} lr {Fmt(learningRate)} (warm-up {s.Warmup}, cosine), clip {Fmt(s.Clip)}");
        o.WriteLine($"  budget     {(s.Epochs is { } e ? $"{Fmt(e)} epoch{(e == 1 ? "" : "s")} ({totalWindows:N0} steps)" : $"{Fmt(s.Minutes)} minute{(s.Minutes == 1 ? "" : "s")}")}" +
                    $"{(resume is not null ? $"; resuming from {context.Show(resume.Path)} ({resumedOptimizer})" : "")}");
        o.WriteLine($"  baseline   a unigram model (letter frequencies only) scores {unigram:F2} bits/char on the held-out text");
        o.WriteLine("Ctrl+C stops early and keeps the model learned so far.");
        o.WriteLine();

        // 3. Train: warm-up by steps, then a cosine decay over the budget (time or steps) to 5% of the peak. The steps are the
        // optimizer's, so a resumed optimizer, whose moments are already warm, skips the warm-up.
        var clock = Stopwatch.StartNew();
        double Progress(long done) => Math.Clamp(Math.Max(clock.Elapsed.TotalSeconds / budgetSeconds, (double)done / totalWindows), 0, 1);
        long windowsDone = 0, charsDone = 0;
        optimizer.Schedule = LearningRateSchedule.From(step =>
            step <= s.Warmup ? learningRate * (double)step / s.Warmup
            : learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * Progress(windowsDone)))));
        var trainPoints = new List<(long Chars, double Bits)>();
        var validationPoints = new List<(long Chars, double Bits)>();
        var bar = new ProgressBar(o, context.Interactive);
        var random = new Xoshiro256StarStar(s.Seed ^ 0x5EED);
        double smoothed = double.NaN, evaluationSeconds = 0;
        int nextEvaluation = 1;
        const int Evaluations = 10;
        bool stoppedEarly = false;
        try
        {
            while (windowsDone < totalWindows && clock.Elapsed.TotalSeconds < budgetSeconds)
            {
                // Each epoch starts the lanes at a fresh random offset, so windows cut the text at new places.
                int shift = random.NextInt(train.Length);
                trainer.ResetState();
                for (int w = 0; w < windowsPerEpoch && windowsDone < totalWindows && clock.Elapsed.TotalSeconds < budgetSeconds; w++)
                {
                    if (context.Cancel.IsCancellationRequested) { stoppedEarly = true; break; }
                    double nats = trainer.TrainWindow(train, shift, w, optimizer);
                    windowsDone++;
                    charsDone += (w == 0 ? shape.Steps : stride) * (long)lanes;
                    double bits = nats / Ln2;
                    trainPoints.Add((charsDone, bits));
                    smoothed = double.IsNaN(smoothed) ? bits : 0.97 * smoothed + 0.03 * bits;
                    double progress = Progress(windowsDone);
                    if (progress >= (double)nextEvaluation / Evaluations && nextEvaluation < Evaluations)
                    {
                        var t = Stopwatch.StartNew();
                        validationPoints.Add((charsDone, trainer.Evaluate(validation) / Ln2));
                        evaluationSeconds += t.Elapsed.TotalSeconds;
                        while (progress >= (double)nextEvaluation / Evaluations) nextEvaluation++;
                    }
                    double seconds = clock.Elapsed.TotalSeconds;
                    double eta = s.Epochs is null ? budgetSeconds - seconds : seconds / Math.Max(progress, 1e-9) * (1 - progress);
                    string valid = validationPoints.Count > 0 ? $"  valid {validationPoints[^1].Bits:F2}" : "";
                    bar.Report(progress,
                        $"step {windowsDone:N0}  loss {smoothed * Ln2:F3} nats = {smoothed:F2} bits/char{valid}  {charsDone / Math.Max(seconds - evaluationSeconds, 1e-9):N0} chars/s  ETA {Duration(eta)}");
                }
                if (stoppedEarly) break;
            }
        }
        catch (TrainingDivergedException ex)
        {
            bar.Finish();
            throw new SampleException($"training diverged at step {windowsDone + 1} (loss {ex.Loss:G3}, gradient norm {ex.GradientNorm:G3}); nothing was saved. Try a lower --lr than {Fmt(learningRate)} or a --clip.");
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        bar.Report(Progress(windowsDone), $"step {windowsDone:N0}  {smoothed:F2} bits/char  {charsDone / Math.Max(trainSeconds - evaluationSeconds, 1e-9):N0} chars/s  done in {Duration(trainSeconds)}", force: true);
        bar.Finish();
        if (stoppedEarly) o.WriteLine($"Stopped early (Ctrl+C) after {windowsDone:N0} steps; keeping the model as it is.");
        if (windowsDone == 0) throw new SampleException("no training step was taken; nothing was saved.");

        // 4. Measure: bits per character on the training text and on the held-out text.
        o.WriteLine("Evaluating…");
        double trainBits = trainer.Evaluate(train) / Ln2, validationBits = trainer.Evaluate(validation) / Ln2;
        validationPoints.Add((charsDone, validationBits));
        long totalChars = charsDone + (resume is null ? 0 : ParseLong(resume.Metadata, "rnngen.sample.chars_trained"));
        o.WriteLine($"  train      {trainBits:F3} bits/char");
        o.WriteLine($"  validation {validationBits:F3} bits/char   (unigram baseline {unigram:F2}; {windowsDone:N0} steps, {charsDone:N0} characters in {Duration(trainSeconds)}, " +
                    $"{charsDone / Math.Max(trainSeconds - evaluationSeconds, 1e-9):N0} chars/s)");

        // 5. Save: checkpoint with metadata, loss curve (PNG and CSV).
        ICharModel model = trainer.Model;
        var metadata = new Dictionary<string, string>
        {
            ["text"] = s.TextPath is null ? CorpusFile : Path.GetFileName(source),
            ["optimizer"] = s.Optimizer,
            ["learning_rate"] = Fmt(learningRate),
            ["warmup_steps"] = Fmt(s.Warmup),
            ["clip_norm"] = Fmt(s.Clip),
            ["weight_decay"] = Fmt(s.WeightDecay),
            ["window"] = Fmt(shape.Steps),
            ["stride"] = Fmt(stride),
            ["lanes"] = Fmt(lanes),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["budget"] = s.Epochs is { } ep ? $"{Fmt(ep)} epochs" : $"{Fmt(s.Minutes)} minutes",
            ["steps_trained"] = (windowsDone + (resume is null ? 0 : ParseLong(resume.Metadata, "rnngen.sample.steps_trained"))).ToString(CultureInfo.InvariantCulture),
            ["chars_trained"] = totalChars.ToString(CultureInfo.InvariantCulture),
            ["train_bits_per_char"] = trainBits.ToString("F4", CultureInfo.InvariantCulture),
            ["validation_bits_per_char"] = validationBits.ToString("F4", CultureInfo.InvariantCulture),
        };
        CharCheckpoint.Save(model, checkpointPath, shape, alphabet, prompt, metadata);
        CharCheckpoint.SaveOptimizer(optimizer, model, optimizerPath, shape);
        WriteLossCurve(plotPath, csvPath, trainPoints, validationPoints, unigram, shape, source);

        // 6. Show what it learned.
        o.WriteLine();
        o.WriteLine($"Generated from the prompt \"{Escape(prompt)}\" (temperature {Fmt(s.Temperature)}, single-step inference):");
        o.WriteLine();
        o.WriteLine(prompt + TextGenerator.Generate(model, alphabet, prompt, s.Length, s.Temperature, s.Seed));
        o.WriteLine();
        o.WriteLine($"Wrote (in {context.Show(outputFolder)}{Path.DirectorySeparatorChar}, created if missing):");
        o.WriteLine($"  {context.Show(checkpointPath)}   checkpoint: safetensors, PyTorch tensor names, alphabet and settings in its metadata");
        o.WriteLine($"  {context.Show(optimizerPath)}   optimizer state (moments, step count): --resume continues it");
        o.WriteLine($"  {context.Show(plotPath)}   loss curve (train and validation bits/char)");
        o.WriteLine($"  {context.Show(csvPath)}   the same numbers as CSV");
        o.WriteLine($"Next: dotnet run --project Sample -c Release -- sample --checkpoint {context.Show(checkpointPath)} --prompt \"{Escape(prompt)}\"");
        return SampleApp.ExitOk;
    }

    /// <summary>The text to train on: the user's file, or the bundled corpus.</summary>
    private static (string Text, string Source) ReadText(string? path, SampleContext context)
    {
        string full = path is null ? Path.Combine(AppContext.BaseDirectory, "Data", CorpusFile) : context.Resolve(path);
        string shown = path is null ? CorpusFile + " (bundled)" : context.Show(full);
        if (Directory.Exists(full)) throw new SampleException($"{shown} is a folder; give a text file.");
        if (!File.Exists(full)) throw new SampleException(path is null ? $"the bundled corpus is missing at {full}; rebuild the sample." : $"text file {shown} not found.");
        string text;
        try
        {
            text = File.ReadAllText(full, new UTF8Encoding(false, throwOnInvalidBytes: true));
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

    private static string DefaultPrompt(string text, bool bundled)
    {
        if (bundled) return "Holmes ";
        string line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? text[..1];
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(3)) + " ";
    }

    /// <summary>Cross-entropy of the held-out text under the training text's character frequencies (add-one smoothed), in bits.</summary>
    public static double UnigramBits(int[] train, int[] validation, int symbols)
    {
        var counts = new double[symbols];
        foreach (int id in train) counts[id]++;
        double total = train.Length + symbols, bits = 0;
        foreach (int id in validation) bits -= Math.Log2((counts[id] + 1) / total);
        return bits / validation.Length;
    }

    private static Optimizer<float> CreateOptimizer(string name, float learningRate, float weightDecay) => name switch
    {
        "adamw" => new AdamW<float>(learningRate, weightDecay: weightDecay),
        "adam" => new Adam<float>(learningRate, weightDecay: weightDecay),
        "sgd" => new Sgd<float>(learningRate, 0.9f, nesterov: true, weightDecay: weightDecay),
        "rmsprop" => new RmsProp<float>(learningRate, weightDecay: weightDecay),
        "adagrad" => new Adagrad<float>(learningRate, weightDecay: weightDecay),
        _ => throw new SampleException($"unknown optimizer '{name}'; use adamw, adam, sgd, rmsprop or adagrad.", SampleApp.ExitUsage),
    };

    private static void WriteLossCurve(string pngPath, string csvPath, List<(long Chars, double Bits)> train, List<(long Chars, double Bits)> validation, double unigram, CharShape shape, string source)
    {
        // The training curve: the per-window losses averaged in about 80 bins (single windows are noisy).
        int bins = Math.Min(80, train.Count);
        var binned = new List<(double, double)>();
        for (int b = 0; b < bins; b++)
        {
            int from = b * train.Count / bins, to = (b + 1) * train.Count / bins;
            if (to <= from) continue;
            binned.Add((train[to - 1].Chars, train.Skip(from).Take(to - from).Average(p => p.Bits)));
        }
        double low = Math.Min(binned.Min(p => p.Item2), validation.Min(p => p.Bits));
        var chart = new LineChart
        {
            Title = $"RnnGen character LSTM ({shape.Name}: {shape.Layers}) on {Path.GetFileName(source.Replace(" (bundled)", "", StringComparison.Ordinal))}",
            XLabel = "characters trained",
            YLabel = "bits per character",
            XRange = (0, train[^1].Chars),
            YRange = (Math.Max(0, Math.Floor(low * 2 - 0.5) / 2), Math.Ceiling(unigram * 2 + 1) / 2),
        };
        chart.Series.Add(new Series("train (binned mean)", Rgb.FromHex(0x1F77B4), binned));
        chart.Series.Add(new Series("validation", Rgb.FromHex(0xD62728), [.. validation.Select(p => ((double)p.Chars, p.Bits))], 2, Markers: true));
        chart.References.Add(new ReferenceLine(unigram, $"unigram {unigram:F2}", Rgb.FromHex(0x888888)));
        var canvas = new Canvas(1000, 600, Rgb.White);
        chart.Draw(canvas, 0, 0, canvas.Width, canvas.Height);
        OutputFiles.WriteAtomically(pngPath, Png.Encode(canvas, [new("Software", OutputFiles.Mark), new("Title", chart.Title)]));

        var csv = new StringBuilder();
        csv.AppendLine(CultureInfo.InvariantCulture, $"# {OutputFiles.Mark} loss curve: bits per character against characters trained");
        csv.AppendLine("series,characters,bits_per_char");
        foreach ((long c, double b) in train) csv.AppendLine(CultureInfo.InvariantCulture, $"train,{c},{b:F4}");
        foreach ((long c, double b) in validation) csv.AppendLine(CultureInfo.InvariantCulture, $"validation,{c},{b:F4}");
        OutputFiles.WriteAtomically(csvPath, Encoding.UTF8.GetBytes(csv.ToString()));
    }

    private static long ParseLong(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;

    /// <summary>A number as the user typed it: invariant, no trailing zeros.</summary>
    public static string Fmt(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>m:ss.</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) seconds = 0;
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";
    }

    /// <summary>Newlines and quotes shown as escapes, for one-line display.</summary>
    public static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
