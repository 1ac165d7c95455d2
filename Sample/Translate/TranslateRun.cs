using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen.Checkpoints;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Models;
using RnnGen.Sample.Training;

namespace RnnGen.Sample.Translate;

/// <summary>Settings of <c>translate</c>.</summary>
public sealed record TranslateSettings
{
    /// <summary>Wall-clock training budget of each model, in seconds (the two train side by side).</summary>
    public double Seconds { get; init; } = TranslateRun.DefaultSeconds;

    /// <summary>Also stop each model after this many steps (null: the time budget alone).</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Held-out dates scored.</summary>
    public int TestSize { get; init; } = TranslateRun.DefaultTestSize;

    /// <summary>Seed of initialization and the data streams.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Folder of the checkpoints, the CSV and the PNG.</summary>
    public string Output { get; init; } = "output";
}

/// <summary>One trained model of the comparison.</summary>
/// <param name="Label">"attention" or "none".</param>
/// <param name="Model">The model.</param>
/// <param name="Steps">Training steps taken.</param>
/// <param name="Loss">Smoothed training loss at the end, in nats per output character (the model's loss sums the output steps).</param>
/// <param name="Seconds">Training time.</param>
public sealed record TrainedDateModel(string Label, IDateModel Model, int Steps, double Loss, double Seconds);

/// <summary>Exact-match counts of one (strategy, model) row, per source-length bucket.</summary>
/// <param name="Strategy">The decoding strategy.</param>
/// <param name="Model">The model's label.</param>
/// <param name="Correct">Dates whose whole ISO string came out right, per bucket.</param>
/// <param name="Total">Dates per bucket.</param>
public sealed record BucketScore(string Strategy, string Model, int[] Correct, int[] Total)
{
    /// <summary>Exactly right, over all buckets.</summary>
    public int AllCorrect => Correct.Sum();

    /// <summary>Dates scored.</summary>
    public int AllTotal => Total.Sum();

    /// <summary>Fraction exactly right over all buckets.</summary>
    public double Accuracy => AllTotal == 0 ? 0 : (double)AllCorrect / AllTotal;
}

/// <summary>
/// <c>translate</c>: human-written dates to ISO 8601 with two generated encoder–decoder models that differ only in
/// attention (<see cref="DateAttentionModel"/>, <see cref="DatePlainModel"/>). Both train side by side on the same
/// generated batches for the same wall-clock time, then every <see cref="DecodingStrategies.All"/> strategy decodes the
/// same held-out dates (dates never trained on) with each model; exact-match accuracy is reported per source-length bucket.
/// </summary>
public static class TranslateRun
{
    /// <summary>Default training seconds per model: two minutes of training in all.</summary>
    public const double DefaultSeconds = 60;

    /// <summary>Most seconds per model <c>--seconds</c> takes.</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>Default held-out dates.</summary>
    public const int DefaultTestSize = 2000;

    /// <summary>Most held-out dates <c>--test-size</c> takes.</summary>
    public const int MaxTestSize = 100_000;

    /// <summary>Checkpoint of the attention model.</summary>
    public const string AttentionCheckpointFile = "date-attention.safetensors";

    /// <summary>Checkpoint of the model without attention.</summary>
    public const string PlainCheckpointFile = "date-plain.safetensors";

    /// <summary>The accuracy table as CSV.</summary>
    public const string CsvFile = "date-accuracy.csv";

    /// <summary>The attention heat maps.</summary>
    public const string PngFile = "date-attention.png";

    /// <summary>Label of the attention model.</summary>
    public const string AttentionLabel = "attention";

    /// <summary>Label of the model without attention.</summary>
    public const string PlainLabel = "none";

    /// <summary>Checkpoint shapes (<c>rnngen.sample.shape</c>).</summary>
    public const string AttentionShape = "date-attention", PlainShape = "date-plain";

    private const float LearningRate = 0.004f, Clip = 1f;
    private const int Warmup = 100;

    /// <summary>Trains both models, scores them and writes the files; returns the exit code.</summary>
    public static int Execute(TranslateSettings s, SampleContext context)
    {
        TextWriter o = context.Out;
        string folder = context.Resolve(s.Output);
        string attentionPath = Path.Combine(folder, AttentionCheckpointFile), plainPath = Path.Combine(folder, PlainCheckpointFile);
        string csvPath = Path.Combine(folder, CsvFile), pngPath = Path.Combine(folder, PngFile);
        OutputFiles.EnsureWritable(attentionPath, OutputFiles.Kind.Checkpoint, context);
        OutputFiles.EnsureWritable(plainPath, OutputFiles.Kind.Checkpoint, context);
        OutputFiles.EnsureWritable(csvPath, OutputFiles.Kind.Text, context);
        OutputFiles.EnsureWritable(pngPath, OutputFiles.Kind.Png, context);
        OutputFiles.EnsureFolderWritable(folder, context);

        List<DateExample> test = new DateGenerator(TestSeed(s.Seed), heldOut: true).Take(s.TestSize);
        o.WriteLine("RnnGen sample: human-written dates to ISO 8601 (YYYY-MM-DD), an encoder–decoder with and without attention.");
        o.WriteLine($"  data       dates 1900–2099 in {DateFormat.All.Count} formats (English, US, UK, German, French, Spanish conventions; as written, lower or upper case), generated from the seed");
        o.WriteLine($"             source: 1 to {DateData.Steps} characters of {DateData.SourceAlphabet.Length} (+ pad, never read); target: {DateData.IsoLength} characters of \"{DateData.TargetAlphabet}\" + the end token");
        o.WriteLine($"             held out: {test.Count:N0} dates of the tenth of days never trained on (seed {TestSeed(s.Seed)})");
        o.WriteLine($"  models     embedding {DateData.Embedding} → bidirectional GRU encoder (2 × {DateData.EncoderHidden}) → GRU decoder ({2 * DateData.EncoderHidden}) → softmax over {DateData.TargetClasses}, {DateData.OutputSteps} output steps");
        o.WriteLine($"               {AttentionLabel,-10} Luong dot attention over the encoder's outputs; {DateAttentionModel.ParameterCount:N0} parameters (RnnGen.Sample.Models.DateAttentionModel)");
        o.WriteLine($"               {PlainLabel,-10} the same without attention; {DatePlainModel.ParameterCount:N0} parameters (RnnGen.Sample.Models.DatePlainModel)");
        o.WriteLine($"  training   {Fmt(s.Seconds)} s each{(s.MaxSteps is { } m ? $" (at most {m:N0} steps)" : "")}, side by side on the same batches of {DateData.Batch}; adamw lr {Fmt(LearningRate)} (warm-up {Warmup}, cosine), clip {Fmt(Clip)}; seed {s.Seed}");
        o.WriteLine();

        var bar = new ProgressBar(o, context.Interactive);
        var clock = Stopwatch.StartNew();
        object gate = new();
        var fraction = new double[2];
        var status = new[] { "starting", "starting" };
        void Report(int run, double f, string text)
        {
            lock (gate)
            {
                fraction[run] = f;
                status[run] = text;
                bar.Report(fraction.Average(), $"{AttentionLabel} {status[0]} | {PlainLabel} {status[1]}  {TrainingRun.Duration(clock.Elapsed.TotalSeconds)}");
            }
        }
        var models = new IDateModel?[2];
        var trained = new TrainedDateModel?[2];
        try
        {
            void RunOne(int run)
            {
                IDateModel model = run == 0 ? new DateAttentionModel(s.Seed) : new DatePlainModel(s.Seed);
                models[run] = model;
                trained[run] = Train(model, run == 0 ? AttentionLabel : PlainLabel, s, context.Cancel, (f, t) => Report(run, f, t));
            }
            // The two runs are independent (own model, optimizer and data stream): on two cores they train side by side.
            Exception?[] errors = SideBySide.Run(RunOne);
            bar.Report(1, $"both models done in {TrainingRun.Duration(clock.Elapsed.TotalSeconds)}", force: true);
            bar.Finish();
            SideBySide.ThrowFirst(errors);
            if (context.Cancel.IsCancellationRequested) o.WriteLine("Stopped early (Ctrl+C): both models report what they reached.");
            TrainedDateModel attention = trained[0]!, plain = trained[1]!;
            o.WriteLine($"  {attention.Label,-10} {attention.Steps:N0} steps in {TrainingRun.Duration(attention.Seconds)}, training loss {attention.Loss:F4} nats per output character");
            o.WriteLine($"  {plain.Label,-10} {plain.Steps:N0} steps in {TrainingRun.Duration(plain.Seconds)}, training loss {plain.Loss:F4} nats per output character");
            o.WriteLine();

            var scores = new List<BucketScore>();
            var greedyOutputs = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (DecodingStrategy strategy in DecodingStrategies.All)
            {
                foreach (TrainedDateModel t in new[] { attention, plain })
                {
                    (BucketScore score, string[] outputs) = Score(t.Model, t.Label, strategy, test);
                    scores.Add(score);
                    if (strategy == DecodingStrategies.Greedy) greedyOutputs[t.Label] = outputs;
                }
            }
            o.Write(Table(scores, test.Count));
            o.WriteLine();
            Examples(test, greedyOutputs, o);

            DateExample[] shown = HeatMapExamples(test);
            byte[] picture = AttentionPlot.Png((DateAttentionModel)attention.Model, shown, OutputFiles.Mark);
            using PendingFile attentionFile = StageCheckpoint(attention, AttentionShape, attentionPath, scores, s);
            using PendingFile plainFile = StageCheckpoint(plain, PlainShape, plainPath, scores, s);
            using PendingFile csv = OutputFiles.Stage(csvPath, Encoding.UTF8.GetBytes(Csv(scores)));
            using PendingFile png = OutputFiles.Stage(pngPath, picture);
            attentionFile.Commit();
            plainFile.Commit();
            csv.Commit();
            png.Commit();
            o.WriteLine("Wrote (in " + context.Show(folder) + "/, created if missing):");
            o.WriteLine($"  {context.Show(attentionPath)}   checkpoint of the attention model: safetensors, PyTorch tensor names; alphabets, sizes and settings in its metadata");
            o.WriteLine($"  {context.Show(plainPath)}   checkpoint of the model without attention (the same metadata)");
            o.WriteLine($"  {context.Show(csvPath)}   exact-match accuracy per decoding, model and source-length bucket");
            o.WriteLine($"  {context.Show(pngPath)}   attention weights of {shown.Length} held-out dates, greedy decoding ({AttentionPlot.Width}×{AttentionPlot.Height})");
            return SampleApp.ExitOk;
        }
        finally
        {
            foreach (IDateModel? model in models) model?.Dispose();
        }
    }

    /// <summary>The seed of the held-out stream (another stream than training's, over other dates).</summary>
    public static ulong TestSeed(ulong seed) => seed * 1_000_003 + 99;

    /// <summary>The seed of the training stream: the same batches for both models.</summary>
    public static ulong TrainSeed(ulong seed) => seed * 7919 + 17;

    /// <summary>
    /// Trains <paramref name="model"/> on fresh generated batches (teacher forcing, source and target lengths) until its
    /// time or step budget ends or <paramref name="cancel"/> is set.
    /// </summary>
    public static TrainedDateModel Train(IDateModel model, string label, TranslateSettings s, CancellationToken cancel, Action<double, string>? onProgress = null)
    {
        var clock = Stopwatch.StartNew();
        var stream = new DateGenerator(TrainSeed(s.Seed), heldOut: false);
        var optimizer = new AdamW<float>(LearningRate);
        int step = 0;
        double Progress() => Math.Clamp(Math.Max(clock.Elapsed.TotalSeconds / s.Seconds, s.MaxSteps is { } m ? (double)step / m : 0), 0, 1);
        optimizer.Schedule = LearningRateSchedule.From(k =>
            k <= Warmup ? LearningRate * (double)k / Warmup
            : LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * Progress()))));
        var batch = new List<DateExample>(DateData.Batch);
        var tokens = new int[DateData.Steps * DateData.Batch];
        var targets = new int[DateData.OutputSteps * DateData.Batch];
        var sourceLengths = new int[DateData.Batch];
        var targetLengths = new int[DateData.Batch];
        double smoothed = double.NaN;
        double nextReport = 0;
        while (Progress() < 1 && !cancel.IsCancellationRequested)
        {
            batch.Clear();
            for (int b = 0; b < DateData.Batch; b++) batch.Add(stream.Next());
            DateData.Encode(batch, 0, tokens, targets, sourceLengths, targetLengths);
            // The loss sums the 11 output steps of a lane and averages the lanes: per output character, it is / OutputSteps.
            float loss = model.TrainStep(tokens, targets, sourceLengths, targetLengths, optimizer, Clip) / DateData.OutputSteps;
            smoothed = double.IsNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
            step++;
            double f = Progress();
            if (f >= nextReport || step == 1)
            {
                onProgress?.Invoke(f, string.Create(CultureInfo.InvariantCulture, $"step {step:N0} loss {smoothed:F3}"));
                nextReport = Math.Floor(f * 100 + 1) / 100;
            }
        }
        onProgress?.Invoke(1, string.Create(CultureInfo.InvariantCulture, $"step {step:N0} loss {smoothed:F3}"));
        return new TrainedDateModel(label, model, step, smoothed, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Decodes every example with <paramref name="strategy"/>: exact-match counts per bucket and each output.</summary>
    public static (BucketScore Score, string[] Outputs) Score(IDateModel model, string label, DecodingStrategy strategy, IReadOnlyList<DateExample> examples)
    {
        int buckets = DateData.Buckets.Count;
        var correct = new int[buckets];
        var total = new int[buckets];
        var outputs = new string[examples.Count];
        var tokens = new int[DateData.Steps * DateData.Batch];
        var targets = new int[DateData.OutputSteps * DateData.Batch];
        var sourceLengths = new int[DateData.Batch];
        var targetLengths = new int[DateData.Batch];
        var lane = new string[DateData.Batch];
        for (int start = 0; start < examples.Count; start += DateData.Batch)
        {
            int used = DateData.Encode(examples, start, tokens, targets, sourceLengths, targetLengths);
            strategy.Decode(model, tokens, sourceLengths, used, lane);
            for (int b = 0; b < used; b++)
            {
                DateExample e = examples[start + b];
                int k = DateData.Bucket(e.Text.Length);
                outputs[start + b] = lane[b];
                total[k]++;
                if (string.Equals(lane[b], e.Iso, StringComparison.Ordinal)) correct[k]++;
            }
        }
        return (new BucketScore(strategy.Name, label, correct, total), outputs);
    }

    /// <summary>The accuracy table as printed: a row per (decoding, model), a column per source-length bucket and overall.</summary>
    public static string Table(IReadOnlyList<BucketScore> scores, int count)
    {
        var t = new StringBuilder();
        t.AppendLine(CultureInfo.InvariantCulture, $"Exact-match accuracy on {count:N0} held-out dates (the whole YYYY-MM-DD right), by source length in characters:");
        t.Append(CultureInfo.InvariantCulture, $"  {"decoding",-10}{"attention",-11}");
        foreach ((string label, _, _) in DateData.Buckets) t.Append(CultureInfo.InvariantCulture, $"{label,9}");
        t.AppendLine($"{"all",9}");
        foreach (BucketScore s in scores)
        {
            t.Append(CultureInfo.InvariantCulture, $"  {s.Strategy,-10}{s.Model,-11}");
            for (int k = 0; k < s.Total.Length; k++) t.Append(CultureInfo.InvariantCulture, $"{Pct(s.Correct[k], s.Total[k]),9}");
            t.AppendLine(CultureInfo.InvariantCulture, $"{Pct(s.AllCorrect, s.AllTotal),9}");
        }
        if (scores.Count > 0)
        {
            t.Append(CultureInfo.InvariantCulture, $"  {"dates",-21}");
            foreach (int n in scores[0].Total) t.Append(CultureInfo.InvariantCulture, $"{n,9:N0}");
            t.AppendLine(CultureInfo.InvariantCulture, $"{scores[0].AllTotal,9:N0}");
        }
        return t.ToString();
    }

    /// <summary>The table as CSV (with the sample's mark on its first line): one row per decoding, model and bucket, and "all".</summary>
    public static string Csv(IReadOnlyList<BucketScore> scores)
    {
        var csv = new StringBuilder();
        csv.AppendLine($"# {OutputFiles.Mark} translate: exact-match accuracy of held-out dates to ISO 8601, by source length");
        csv.AppendLine("decoding,attention,bucket,min_chars,max_chars,correct,total,accuracy");
        foreach (BucketScore s in scores)
        {
            for (int k = 0; k < s.Total.Length; k++)
            {
                (string label, int min, int max) = DateData.Buckets[k];
                csv.AppendLine(CultureInfo.InvariantCulture, $"{s.Strategy},{s.Model},{label},{min},{max},{s.Correct[k]},{s.Total[k]},{Ratio(s.Correct[k], s.Total[k])}");
            }
            csv.AppendLine(CultureInfo.InvariantCulture, $"{s.Strategy},{s.Model},all,0,{DateData.Steps},{s.AllCorrect},{s.AllTotal},{Ratio(s.AllCorrect, s.AllTotal)}");
        }
        return csv.ToString();
    }

    private static string Ratio(int correct, int total) => total == 0 ? "" : ((double)correct / total).ToString("F4", CultureInfo.InvariantCulture);

    private static string Pct(int correct, int total) => total == 0 ? "–" : (100.0 * correct / total).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Fmt(double v) => TrainingRun.Fmt(v);

    /// <summary>A few held-out dates, one per format as far as they go, with both models' greedy outputs.</summary>
    private static void Examples(IReadOnlyList<DateExample> test, Dictionary<string, string[]> outputs, TextWriter o)
    {
        o.WriteLine("Held-out dates, greedy decoding (✓ right, ✗ wrong):");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int shown = 0;
        int width = Math.Min(DateData.Steps + 2, test.Count == 0 ? 0 : test.Max(e => e.Text.Length) + 2);
        for (int i = 0; i < test.Count && shown < 10; i++)
        {
            if (!seen.Add(test[i].Format.Name)) continue;
            shown++;
            var line = new StringBuilder();
            line.Append("  ").Append(("\"" + test[i].Text + "\"").PadRight(width)).Append(" → ");
            foreach (string label in new[] { AttentionLabel, PlainLabel })
            {
                string got = outputs[label][i];
                line.Append(CultureInfo.InvariantCulture, $"{label}: {got,-10} {(got == test[i].Iso ? "✓" : "✗")}   ");
            }
            o.WriteLine(line.ToString().TrimEnd());
        }
        o.WriteLine();
    }

    /// <summary>Four held-out dates for the heat maps: the first of each of four formats of different lengths.</summary>
    public static DateExample[] HeatMapExamples(IReadOnlyList<DateExample> test)
    {
        string[] wanted = ["uk-weekday", "us-long", "de-numeric", "d-mon-yy"];
        var picked = new List<DateExample>();
        foreach (string name in wanted)
            if (test.FirstOrDefault(e => e.Format.Name == name) is { } e) picked.Add(e);
        foreach (DateExample e in test)
        {
            if (picked.Count >= 4) break;
            if (!picked.Contains(e)) picked.Add(e);
        }
        return [.. picked.Take(4)];
    }

    private static PendingFile StageCheckpoint(TrainedDateModel t, string shape, string path, IReadOnlyList<BucketScore> scores, TranslateSettings s)
    {
        OutputFiles.ThrowIfFailing(path);
        BucketScore? greedy = scores.FirstOrDefault(x => x.Strategy == DecodingStrategies.Greedy.Name && x.Model == t.Label);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CharCheckpoint.ShapeKey] = shape,
            [CharCheckpoint.AlphabetKey] = DateData.SourceAlphabet,
            ["rnngen.sample.written_by"] = OutputFiles.Mark,
            ["rnngen.sample.pad_id"] = DateData.Pad.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.target_alphabet"] = DateData.TargetAlphabet,
            ["rnngen.sample.end_token"] = DateData.EndId.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.steps"] = DateData.Steps.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.output_steps"] = DateData.OutputSteps.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.attention"] = t.Label,
            ["rnngen.sample.heldout_greedy_accuracy"] = greedy is null ? "" : greedy.Accuracy.ToString("R", CultureInfo.InvariantCulture),
            ["rnngen.sample.heldout_dates"] = s.TestSize.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.seconds"] = Fmt(s.Seconds),
            ["rnngen.sample.steps_trained"] = t.Steps.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.learning_rate"] = Fmt(LearningRate),
            ["rnngen.sample.clip"] = Fmt(Clip),
            ["rnngen.sample.seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.saved_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        return Safetensors.Stage(t.Model, path, metadata);
    }
}
