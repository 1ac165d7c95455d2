using System.Globalization;
using System.Text;
using RnnGen.Checkpoints;
using RnnGen.Randomness;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Models;
using RnnGen.Sample.Plotting;
using RnnGen.Sample.Text;
using RnnGen.Training;

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
        TrainingPlan plan = TrainingPlan.Create(s, context); // everything that can be wrong is checked before anything is written
        using var session = TrainingSession.Start(plan, s, context);
        PrintHeader(plan, session, s, context);
        TrainingLog log = Train(plan, session, s, context);
        (double trainBits, double validationBits) = Measure(plan, session, log, context.Out);
        Save(plan, session, log, s, trainBits, validationBits, context);
        ShowGenerated(plan, session, s, context);
        PrintWritten(plan, context);
        return SampleApp.ExitOk;
    }

    /// <summary>The replicas, their trainer and the optimizer of a run (resumed from the checkpoint's when there is one).</summary>
    private sealed class TrainingSession : IDisposable
    {
        private TrainingSession(ITokenStepModel<float>[] replicas, StreamTrainer<float> trainer, Optimizer<float> optimizer, string? resumed)
        {
            Replicas = replicas;
            Trainer = trainer;
            Optimizer = optimizer;
            ResumedOptimizer = resumed;
        }

        public ITokenStepModel<float>[] Replicas { get; }

        public StreamTrainer<float> Trainer { get; }

        public Optimizer<float> Optimizer { get; }

        /// <summary>What became of the resumed optimizer state, for the header; null when not resuming.</summary>
        public string? ResumedOptimizer { get; }

        /// <summary>The model the optimizer updates: the one saved and sampled.</summary>
        public ITokenStepModel<float> Model => Replicas[0];

        public static TrainingSession Start(TrainingPlan plan, TrainSettings s, SampleContext context)
        {
            var replicas = new ITokenStepModel<float>[plan.Replicas];
            // The first replica owns the parameters; the others compute with them (no copies after each update).
            replicas[0] = plan.Shape.Create(s.Seed);
            for (int r = 1; r < replicas.Length; r++) replicas[r] = plan.Shape.CreateOver(replicas[0].SharedParameters);
            if (plan.Resume is not null) CharCheckpoint.Load(replicas[0], plan.Resume, context);
            int threads = Math.Clamp(s.Threads ?? Environment.ProcessorCount, 1, replicas.Length);
            var trainer = new StreamTrainer<float>(replicas, plan.Stride, threads) { ClipNorm = s.Clip };
            Optimizer<float> optimizer = CreateOptimizer(s.Optimizer, plan.LearningRate, s.WeightDecay);
            string? resumed = plan.Resume is null ? null : CharCheckpoint.ResumeOptimizer(optimizer, replicas[0], plan.Resume, s.Optimizer, context);
            return new TrainingSession(replicas, trainer, optimizer, resumed);
        }

        public void Dispose()
        {
            Trainer.Dispose();
            foreach (ITokenStepModel<float> m in Replicas) m.Dispose();
        }
    }

    /// <summary>What the training loop did: the per-window and validation curves and the counts.</summary>
    private sealed class TrainingLog
    {
        public List<(long Chars, double Bits)> TrainPoints { get; } = [];

        public List<(long Chars, double Bits)> ValidationPoints { get; } = [];

        public long Windows { get; set; }

        public long Chars { get; set; }

        public double Seconds { get; set; }

        public double EvaluationSeconds { get; set; }

        /// <summary>The parameters at the best validation so far (early stopping by validation); null before the first evaluation.</summary>
        public float[]? BestParameters { get; set; }

        /// <summary>The validation bits/char of <see cref="BestParameters"/>, and the step and characters they were reached at.</summary>
        public double BestBits { get; set; } = double.PositiveInfinity;

        public long BestWindows { get; set; }

        public long BestChars { get; set; }

        /// <summary>Records a validation measurement; keeps a copy of the parameters when it is the best so far.</summary>
        public void Validated(double bits, ReadOnlySpan<float> parameters)
        {
            ValidationPoints.Add((Chars, bits));
            if (!(bits < BestBits)) return;
            BestBits = bits;
            BestWindows = Windows;
            BestChars = Chars;
            BestParameters ??= new float[parameters.Length];
            parameters.CopyTo(BestParameters);
        }

        public double CharsPerSecond => Chars / Math.Max(Seconds - EvaluationSeconds, 1e-9);
    }

    private static long TotalWindows(TrainingPlan plan, TrainingSession session, TrainSettings s) =>
        s.Epochs is { } epochs ? Math.Max(1, (long)Math.Ceiling(epochs * session.Trainer.WindowsFor(plan.Train.Length, plan.Stride))) : long.MaxValue;

    private static void PrintHeader(TrainingPlan plan, TrainingSession session, TrainSettings s, SampleContext context)
    {
        TextWriter o = context.Out;
        CharShape shape = plan.Shape;
        int replicas = plan.Replicas, threads = session.Trainer.Threads;
        int characters = plan.Train.Length + plan.Validation.Length;
        long totalWindows = TotalWindows(plan, session, s);
        o.WriteLine($"RnnGen sample: a character-level language model compiled by RnnGen.");
        o.WriteLine($"  model      {shape.Name}: {shape.Layers} over {CharShapes.Vocabulary} one-hot symbols, {shape.ParameterCount:N0} parameters ({shape.Architecture.Name})");
        o.WriteLine($"  text       {plan.Source}: {characters:N0} characters, {plan.Alphabet.Count} distinct; {plan.Train.Length:N0} train, {plan.Validation.Length:N0} held out (the last 10%)");
        o.WriteLine($"  training   truncated BPTT: window {shape.Steps}, stride {plan.Stride}, {plan.Lanes} lanes ({replicas} replica{(replicas > 1 ? "s" : "")} × {shape.Batch} on {threads} thread{(threads > 1 ? "s" : "")}); " +
                    $"{s.Optimizer} lr {Fmt(plan.LearningRate)} (warm-up {s.Warmup}, cosine), clip {Fmt(s.Clip)}");
        o.WriteLine($"  budget     {(s.Epochs is { } e ? $"{Fmt(e)} epoch{(e == 1 ? "" : "s")} ({totalWindows:N0} steps)" : $"{Fmt(s.Minutes)} minute{(s.Minutes == 1 ? "" : "s")}")}" +
                    $"{(plan.Resume is { } resume ? $"; resuming from {context.Show(resume.Path)} ({session.ResumedOptimizer})" : "")}");
        o.WriteLine($"  baseline   a unigram model (letter frequencies only) scores {UnigramBits(plan.Train, plan.Validation, plan.Alphabet.Count):F2} bits/char on the held-out text");
        o.WriteLine("Ctrl+C stops early and keeps the model learned so far.");
        o.WriteLine();
    }

    /// <summary>
    /// The training loop: each epoch starts the lanes at a fresh random offset, so windows cut the text at new places; a
    /// warm-up by steps, then a cosine decay over the budget (time or steps) to 5% of the peak. The steps are the
    /// optimizer's, so a resumed optimizer, whose moments are already warm, skips the warm-up. Ctrl+C stops early.
    /// </summary>
    private static TrainingLog Train(TrainingPlan plan, TrainingSession session, TrainSettings s, SampleContext context)
    {
        const int Evaluations = 10;
        StreamTrainer<float> trainer = session.Trainer;
        int windowsPerEpoch = trainer.WindowsFor(plan.Train.Length, plan.Stride);
        long totalWindows = TotalWindows(plan, session, s);
        double budgetSeconds = s.Epochs is null ? s.Minutes * 60 : double.PositiveInfinity;
        var log = new TrainingLog();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double Progress(long done) => Math.Clamp(Math.Max(clock.Elapsed.TotalSeconds / budgetSeconds, (double)done / totalWindows), 0, 1);
        bool Running() => log.Windows < totalWindows && clock.Elapsed.TotalSeconds < budgetSeconds;
        session.Optimizer.Schedule = LearningRateSchedule.From(step =>
            step <= s.Warmup ? plan.LearningRate * (double)step / s.Warmup
            : plan.LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * Progress(log.Windows)))));
        var bar = new ProgressBar(context.Out, context.Interactive);
        var random = new Xoshiro256StarStar(s.Seed ^ 0x5EED);
        double smoothed = double.NaN;
        int nextEvaluation = 1;
        bool stoppedEarly = false;
        try
        {
            while (Running() && !stoppedEarly)
            {
                int shift = random.NextInt(plan.Train.Length);
                for (int w = 0; w < windowsPerEpoch && Running(); w++)
                {
                    if (context.Cancel.IsCancellationRequested) { stoppedEarly = true; break; }
                    double bits = trainer.TrainWindow(plan.Train, w, session.Optimizer, shift) / Ln2;
                    log.Windows++;
                    log.Chars += (w == 0 ? plan.Shape.Steps : plan.Stride) * (long)plan.Lanes;
                    log.TrainPoints.Add((log.Chars, bits));
                    smoothed = double.IsNaN(smoothed) ? bits : 0.97 * smoothed + 0.03 * bits;
                    double progress = Progress(log.Windows);
                    if (progress >= (double)nextEvaluation / Evaluations && nextEvaluation < Evaluations)
                    {
                        var t = System.Diagnostics.Stopwatch.StartNew();
                        log.Validated(trainer.Evaluate(plan.Validation).MeanLoss / Ln2, session.Model.Parameters);
                        log.EvaluationSeconds += t.Elapsed.TotalSeconds;
                        // The next window starts from zeros, as the sample's runs always have (same seed, same model).
                        trainer.ResetState();
                        while (progress >= (double)nextEvaluation / Evaluations) nextEvaluation++;
                    }
                    log.Seconds = clock.Elapsed.TotalSeconds;
                    double eta = s.Epochs is null ? budgetSeconds - log.Seconds : log.Seconds / Math.Max(progress, 1e-9) * (1 - progress);
                    string valid = log.ValidationPoints.Count > 0 ? $"  valid {log.ValidationPoints[^1].Bits:F2}" : "";
                    bar.Report(progress, $"step {log.Windows:N0}  loss {smoothed * Ln2:F3} nats = {smoothed:F2} bits/char{valid}  {log.CharsPerSecond:N0} chars/s  ETA {Duration(eta)}");
                }
            }
        }
        catch (TrainingDivergedException ex)
        {
            bar.Finish();
            string kept = File.Exists(plan.Outputs.Checkpoint) ? $"nothing was saved and {context.Show(plan.Outputs.Checkpoint)} keeps its last good model" : "nothing was saved";
            throw new SampleException($"training diverged at step {log.Windows + 1} (loss {ex.Loss:G3}, gradient norm {ex.GradientNorm:G3}); {kept}. Try a lower --lr than {Fmt(plan.LearningRate)} or a --clip.");
        }
        log.Seconds = clock.Elapsed.TotalSeconds;
        bar.Report(Progress(log.Windows), $"step {log.Windows:N0}  {smoothed:F2} bits/char  {log.CharsPerSecond:N0} chars/s  done in {Duration(log.Seconds)}", force: true);
        bar.Finish();
        if (stoppedEarly) context.Out.WriteLine($"Stopped early (Ctrl+C) after {log.Windows:N0} steps; keeping the model as it is.");
        if (log.Windows == 0) throw new SampleException("no training step was taken; nothing was saved.");
        return log;
    }

    /// <summary>
    /// Bits per character on the held-out text at the end; if an evaluation during training was better, its parameters
    /// are kept instead (early stopping by validation: the model saved is the one that generalised best). Then bits per
    /// character of the kept model on the training text.
    /// </summary>
    private static (double Train, double Validation) Measure(TrainingPlan plan, TrainingSession session, TrainingLog log, TextWriter o)
    {
        o.WriteLine("Evaluating…");
        double lastBits = session.Trainer.Evaluate(plan.Validation).MeanLoss / Ln2;
        long lastWindows = log.Windows;
        log.Validated(lastBits, session.Model.Parameters);
        bool earlier = log.BestWindows < lastWindows;
        if (earlier)
            log.BestParameters.AsSpan().CopyTo(session.Model.Parameters); // every replica shares them
        double validationBits = log.BestBits;
        double trainBits = session.Trainer.Evaluate(plan.Train).MeanLoss / Ln2;
        o.WriteLine($"  train      {trainBits:F3} bits/char");
        o.WriteLine($"  validation {validationBits:F3} bits/char   (unigram baseline {UnigramBits(plan.Train, plan.Validation, plan.Alphabet.Count):F2}; " +
                    $"{log.Windows:N0} steps, {log.Chars:N0} characters in {Duration(log.Seconds)}, {log.CharsPerSecond:N0} chars/s)");
        o.WriteLine(earlier
            ? $"  kept       the parameters of step {log.BestWindows:N0}, the best held-out score of the run's evaluations (early stopping by validation); the last step's scored {lastBits:F3}"
            : "  kept       the last step's parameters, the best held-out score of the run's evaluations (early stopping by validation)");
        ReducedPrecision.Report(session.Model, plan.Validation, o);
        return (trainBits, validationBits);
    }

    /// <summary>
    /// The checkpoint with its metadata, the optimizer state beside it (bound to this save of the checkpoint), and the loss
    /// curve (PNG and CSV). Every file is first written and flushed to a temporary file; only when all four are written are
    /// they renamed over the old ones, checkpoint first: a failure before that replaces nothing, and a stop between the
    /// renames leaves an optimizer file that a resume recognises as another save's and does not use.
    /// </summary>
    private static void Save(TrainingPlan plan, TrainingSession session, TrainingLog log, TrainSettings s, double trainBits, double validationBits, SampleContext context)
    {
        RefuseUseless(plan, session, validationBits, context);
        CharCheckpoint.Info? resume = plan.Resume;
        string stepsTrained = (log.Windows + (resume is null ? 0 : ParseLong(resume.Metadata, "rnngen.sample.steps_trained"))).ToString(CultureInfo.InvariantCulture);
        var metadata = new Dictionary<string, string>
        {
            ["text"] = s.TextPath is null ? CorpusFile : Path.GetFileName(plan.Source),
            ["optimizer"] = s.Optimizer,
            ["learning_rate"] = Fmt(plan.LearningRate),
            ["warmup_steps"] = Fmt(s.Warmup),
            ["clip_norm"] = Fmt(s.Clip),
            ["weight_decay"] = Fmt(s.WeightDecay),
            ["window"] = Fmt(plan.Shape.Steps),
            ["stride"] = Fmt(plan.Stride),
            ["lanes"] = Fmt(plan.Lanes),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["budget"] = s.Epochs is { } ep ? $"{Fmt(ep)} epochs" : $"{Fmt(s.Minutes)} minutes",
            ["steps_trained"] = stepsTrained,
            ["kept_step"] = log.BestWindows.ToString(CultureInfo.InvariantCulture),
            ["chars_trained"] = (log.Chars + (resume is null ? 0 : ParseLong(resume.Metadata, "rnngen.sample.chars_trained"))).ToString(CultureInfo.InvariantCulture),
            ["train_bits_per_char"] = trainBits.ToString("F4", CultureInfo.InvariantCulture),
            ["validation_bits_per_char"] = validationBits.ToString("F4", CultureInfo.InvariantCulture),
        };
        TrainingOutputs outputs = plan.Outputs;
        var staged = new List<PendingFile>(4);
        int committed = 0;
        try
        {
            staged.Add(CharCheckpoint.Stage(session.Model, outputs.Checkpoint, plan.Shape, plan.Alphabet, plan.Prompt, metadata));
            PauseForTest("checkpoint", context);
            string digest = CharCheckpoint.DigestOf(staged[0].TemporaryPath);
            staged.Add(CharCheckpoint.StageOptimizer(session.Optimizer, session.Model, outputs.Optimizer, plan.Shape, digest, stepsTrained));
            PauseForTest("optimizer", context);
            (byte[] png, byte[] csv) = LossCurve(log.TrainPoints, log.ValidationPoints, UnigramBits(plan.Train, plan.Validation, plan.Alphabet.Count), plan.Shape, plan.Source);
            staged.Add(OutputFiles.Stage(outputs.Plot, png));
            staged.Add(OutputFiles.Stage(outputs.Csv, csv));
            PauseForTest("curve", context);
            foreach (PendingFile file in staged)
            {
                file.Commit();
                committed++;
                if (committed == 1) PauseForTest("commit", context);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Name the file being written, not its temporary file (".name.<32 hex digits>.tmp").
            string message = System.Text.RegularExpressions.Regex.Replace(ex.Message, @"\.(?<name>[^/\\'""]+)\.[0-9a-f]{32}\.tmp", "${name}");
            foreach (string path in new[] { outputs.Checkpoint, outputs.Optimizer, outputs.Plot, outputs.Csv })
                message = message.Replace(path, context.Show(path), StringComparison.Ordinal);
            throw new SampleException(committed == 0
                ? $"cannot save: {message.TrimEnd('.')}; no file was replaced."
                : $"cannot save: {message.TrimEnd('.')}; {string.Join(", ", staged.Take(committed).Select(f => context.Show(f.Path)))} replaced, the rest kept.");
        }
        finally
        {
            foreach (PendingFile file in staged) file.Dispose();
        }
    }

    /// <summary>
    /// Refuses to save a model that is worse than useless — non-finite parameters or validation, or a validation loss far
    /// (more than <see cref="MaxRegressionBits"/>) above the model already in the checkpoint file — and says the old file is kept.
    /// </summary>
    private static void RefuseUseless(TrainingPlan plan, TrainingSession session, double validationBits, SampleContext context)
    {
        string checkpoint = plan.Outputs.Checkpoint;
        string kept = File.Exists(checkpoint) ? $"nothing was saved and {context.Show(checkpoint)} keeps its last good model" : "nothing was saved";
        bool finite = double.IsFinite(validationBits);
        foreach (float p in session.Model.Parameters)
        {
            if (!float.IsFinite(p)) { finite = false; break; }
        }
        if (!finite)
            throw new SampleException($"the trained model is useless (validation {Fmt(validationBits)} bits/char, parameters not all finite); {kept}. Try a lower --lr than {Fmt(plan.LearningRate)} or a --clip.");
        if (!File.Exists(checkpoint) || !OutputFiles.IsOurs(checkpoint, OutputFiles.Kind.Checkpoint)) return;
        double previous;
        try
        {
            if (!double.TryParse(Safetensors.ReadHeader(checkpoint).Metadata.GetValueOrDefault("rnngen.sample.validation_bits_per_char"), NumberStyles.Float, CultureInfo.InvariantCulture, out previous) || !double.IsFinite(previous))
                return;
        }
        catch (IOException)
        {
            return; // the old file is damaged: nothing to keep
        }
        if (validationBits > previous + MaxRegressionBits)
        {
            throw new SampleException(
                $"validation {validationBits:F3} bits/char is far above the {previous:F3} of the model in {context.Show(checkpoint)}; {kept}. " +
                $"Try a lower --lr than {Fmt(plan.LearningRate)}, or another --checkpoint to keep both.");
        }
    }

    /// <summary>How much worse (bits per character on the held-out text) a model may be than the one it replaces.</summary>
    public const double MaxRegressionBits = 1.0;

    /// <summary>Test hook: with <c>RNNGEN_TEST_PAUSE_IN_SAVE</c> = <paramref name="stage"/>, says so on stderr and waits (<c>RNNGEN_TEST_PAUSE_SECONDS</c>, default 30), so a test can kill the process there.</summary>
    private static void PauseForTest(string stage, SampleContext context)
    {
        if (Environment.GetEnvironmentVariable("RNNGEN_TEST_PAUSE_IN_SAVE") != stage) return;
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("RNNGEN_TEST_PAUSE_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : 30;
        context.Error.WriteLine($"test pause: in save, {stage}");
        context.Error.Flush();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
    }

    private static void ShowGenerated(TrainingPlan plan, TrainingSession session, TrainSettings s, SampleContext context)
    {
        TextWriter o = context.Out;
        o.WriteLine();
        o.WriteLine($"Generated from the prompt \"{Escape(plan.Prompt)}\" (temperature {Fmt(s.Temperature)}, single-step inference):");
        o.WriteLine();
        o.WriteLine(plan.Prompt + TextGenerator.Generate(session.Model, plan.Alphabet, plan.Prompt, s.Length, s.Temperature, s.Seed, context));
        o.WriteLine();
    }

    private static void PrintWritten(TrainingPlan plan, SampleContext context)
    {
        TextWriter o = context.Out;
        TrainingOutputs f = plan.Outputs;
        o.WriteLine($"Wrote (in {context.Show(f.Folder)}{Path.DirectorySeparatorChar}, created if missing):");
        o.WriteLine($"  {context.Show(f.Checkpoint)}   checkpoint: safetensors, PyTorch tensor names, alphabet and settings in its metadata");
        o.WriteLine($"  {context.Show(f.Optimizer)}   optimizer state (moments, step count): --resume continues it");
        o.WriteLine($"  {context.Show(f.Plot)}   loss curve (train and validation bits/char)");
        o.WriteLine($"  {context.Show(f.Csv)}   the same numbers as CSV");
        o.WriteLine($"Next: dotnet run --project Sample -c Release -- sample --checkpoint {context.Show(f.Checkpoint)} --prompt \"{Escape(plan.Prompt)}\"");
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

    /// <summary>The loss-curve PNG and CSV, as bytes.</summary>
    private static (byte[] Png, byte[] Csv) LossCurve(List<(long Chars, double Bits)> train, List<(long Chars, double Bits)> validation, double unigram, CharShape shape, string source)
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
        string title = $"RnnGen character LSTM ({shape.Name}: {shape.Layers}) on {Path.GetFileName(source.Replace(" (bundled)", "", StringComparison.Ordinal))}";
        ScottPlot.Plot chart = Figures.LineChart(title, "characters trained", "bits per character",
            [new Series("train (binned mean)", 0x1F77B4, binned), new Series("validation", 0xD62728, [.. validation.Select(p => ((double)p.Chars, p.Bits))], Markers: true)],
            [new ReferenceLine(unigram, $"unigram {unigram:F2}", 0x888888)],
            xRange: (0, train[^1].Chars),
            yRange: (Math.Max(0, Math.Floor(low * 2 - 0.5) / 2), Math.Ceiling(unigram * 2 + 1) / 2));
        byte[] png = Figures.Png([chart], 1000, 600, OutputFiles.Mark, title);

        var csv = new StringBuilder();
        csv.AppendLine(CultureInfo.InvariantCulture, $"# {OutputFiles.Mark} loss curve: bits per character against characters trained");
        csv.AppendLine("series,characters,bits_per_char");
        foreach ((long c, double b) in train) csv.AppendLine(CultureInfo.InvariantCulture, $"train,{c},{b:F4}");
        foreach ((long c, double b) in validation) csv.AppendLine(CultureInfo.InvariantCulture, $"validation,{c},{b:F4}");
        return (png, Encoding.UTF8.GetBytes(csv.ToString()));
    }

    private static long ParseLong(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;

    /// <summary>A number as the user typed it: invariant, no trailing zeros.</summary>
    public static string Fmt(double v)
    {
        double a = Math.Abs(v);
        // Very large or very small numbers in exponent form (1E+30, 1E-30), not as 31 digits or as 0.
        return a != 0 && (a >= 1e9 || a < 1e-4) || !double.IsFinite(v)
            ? v.ToString("0.#####E+0", CultureInfo.InvariantCulture)
            : v.ToString("0.######", CultureInfo.InvariantCulture);
    }

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
