using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen.Checkpoints;
using RnnGen.Randomness;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Models;
using RnnGen.Sample.Plotting;
using RnnGen.Sample.Training;

namespace RnnGen.Sample.Classify;

/// <summary>Settings of <c>classify</c>.</summary>
public sealed record ClassifySettings
{
    /// <summary>Passes over the training words (fractions allowed).</summary>
    public double Epochs { get; init; } = ClassifyRun.DefaultEpochs;

    /// <summary>Seed of initialization and data order (the held-out split is fixed).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Folder of the checkpoint and the confusion-matrix PNG.</summary>
    public string Output { get; init; } = "output";

    /// <summary>The data file (null: the bundled one).</summary>
    public string? DataPath { get; init; }
}

/// <summary>What one run reached.</summary>
/// <param name="Label">"padded, no lengths" or the lengths path's label.</param>
/// <param name="Steps">Training steps taken.</param>
/// <param name="Confusion">Held-out counts <c>[true, predicted]</c>.</param>
/// <param name="HeldOutLoss">Mean held-out cross-entropy (nats).</param>
/// <param name="Curve">(epoch, held-out accuracy) after each epoch.</param>
public sealed record ClassifyResult(string Label, int Steps, int[,] Confusion, double HeldOutLoss, IReadOnlyList<(double Epoch, double Accuracy)> Curve)
{
    /// <summary>Words classified correctly.</summary>
    public int Correct => Enumerable.Range(0, Confusion.GetLength(0)).Sum(k => Confusion[k, k]);

    /// <summary>Words classified.</summary>
    public int Total => Confusion.Cast<int>().Sum();

    /// <summary>Fraction classified correctly.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
}

/// <summary>
/// <c>classify</c>: many-to-one classification of variable-length input — which language a single word is (English,
/// Spanish, Dutch or Polish), read one letter per step by a generated LSTM. The same model is trained twice from the
/// same initialization on the same batches: once padded (the head reads the state after the pads), once with each
/// word's length (<see cref="LengthsPath"/>); both are scored on the same fixed held-out words, side by side.
/// </summary>
public static class ClassifyRun
{
    /// <summary>Default passes over the training words: fits the two-minute default run on two shared cores.</summary>
    public const double DefaultEpochs = 10;

    /// <summary>Most epochs <c>--epochs</c> takes (2.5 million steps per run).</summary>
    public const double MaxEpochs = 10_000;

    /// <summary>Checkpoint file name in the output folder.</summary>
    public const string CheckpointFile = "langid-model.safetensors";

    /// <summary>Confusion-matrix picture in the output folder.</summary>
    public const string PngFile = "langid-confusion.png";

    /// <summary>The "shape" the checkpoint records (marks it as this sample's).</summary>
    public const string ShapeName = "langid";

    /// <summary>Label of the padded run.</summary>
    public const string PaddedLabel = "padded, no lengths";

    private const float LearningRate = 0.005f, Clip = 1f;

    /// <summary>Runs both trainings; returns the exit code.</summary>
    public static int Execute(ClassifySettings s, SampleContext context)
    {
        TextWriter o = context.Out;
        string folder = context.Resolve(s.Output);
        string checkpointPath = Path.Combine(folder, CheckpointFile), pngPath = Path.Combine(folder, PngFile);
        string dataPath = s.DataPath is null ? LangIdData.BundledPath : context.Resolve(s.DataPath);
        string dataShown = s.DataPath is null ? "Data/" + LangIdData.FileName + " (bundled)" : context.Show(dataPath);
        InputFiles.CheckRegular(dataPath, dataShown, "classify data file", InputFiles.MaxTextBytes);
        LangIdData data = LangIdData.Load(dataPath, dataShown);
        OutputFiles.EnsureDistinct([("the checkpoint", checkpointPath), ("the confusion matrix", pngPath)], [("the data file", dataPath)], context);
        OutputFiles.EnsureWritable(checkpointPath, OutputFiles.Kind.Checkpoint, context);
        OutputFiles.EnsureWritable(pngPath, OutputFiles.Kind.Png, context);
        OutputFiles.EnsureFolderWritable(folder, context);

        int perEpoch = Math.Max(1, data.Train.Count / LangIdData.Batch);
        int totalSteps = Math.Max(1, (int)Math.Ceiling(s.Epochs * perEpoch));
        o.WriteLine("RnnGen sample: which language is a word? Many-to-one classification of variable-length input.");
        o.WriteLine($"  data       {dataShown}: {data.All.Count:N0} words, {data.Symbols.Length} distinct letters, {data.All.Min(w => w.Word.Length)} to {data.All.Max(w => w.Word.Length)} letters each");
        o.WriteLine($"             train {data.Train.Count:N0} ({LangIdData.Describe(data.Train)})");
        o.WriteLine($"             held out {data.HeldOut.Count:N0} ({LangIdData.Describe(data.HeldOut)}; fixed split, {Pct(LangIdData.HeldOutFraction)} of each language)");
        o.WriteLine($"  model      embedding 16 → LSTM(128) → softmax over {LangIdData.Classes} languages, read once after the word (many-to-one); {LangIdModel.ParameterCount:N0} parameters (RnnGen.Sample.Models.LangIdModel)");
        o.WriteLine($"  training   {Fmt(s.Epochs)} epochs = {totalSteps:N0} steps of {LangIdData.Batch} words; adamw lr {Fmt(LearningRate)} (warm-up, cosine), clip {Fmt(Clip)}; seed {s.Seed}");
        o.WriteLine($"  two runs   the same model, initialization and batches, each word padded to {LangIdData.Steps} steps:");
        o.WriteLine($"               {PaddedLabel,-32} Forward(tokens): the head reads the state after the pads");
        o.WriteLine($"               {LengthsPath.Label,-32} Forward(tokens, lengths): the head reads each word's state after its last letter");
        o.WriteLine($"  chance     {Pct(1.0 / LangIdData.Classes)} (balanced classes)");
        o.WriteLine();

        var bar = new ProgressBar(o, context.Interactive);
        var clock = Stopwatch.StartNew();
        object gate = new();
        var fraction = new double[2];
        var status = new string[] { "starting", "starting" };
        void Report(int run, double f, string text)
        {
            lock (gate)
            {
                fraction[run] = f;
                status[run] = text;
                bar.Report(fraction.Average(), $"padded {status[0]} | lengths {status[1]}  {TrainingRun.Duration(clock.Elapsed.TotalSeconds)}");
            }
        }
        var models = new LangIdModel[2];
        var results = new ClassifyResult?[2];
        try
        {
            void RunOne(int run)
            {
                models[run] = new LangIdModel(s.Seed);
                results[run] = Train(models[run], data, run == 1, s.Seed, totalSteps, perEpoch, context.Cancel, (f, t) => Report(run, f, t));
            }
            // The two runs are independent (own model, optimizer and data stream): on two cores they train side by side.
            Exception?[] errors = SideBySide.Run(RunOne);
            bar.Report(1, $"both runs done in {TrainingRun.Duration(clock.Elapsed.TotalSeconds)}", force: true);
            bar.Finish();
            SideBySide.ThrowFirst(errors);
            if (context.Cancel.IsCancellationRequested) o.WriteLine("Stopped early (Ctrl+C): both runs report what they reached.");

            ClassifyResult padded = results[0]!, lengths = results[1]!;
            o.WriteLine();
            o.WriteLine($"Held-out accuracy ({data.HeldOut.Count:N0} words never trained on; chance {Pct(1.0 / LangIdData.Classes)}):");
            o.WriteLine(AccuracyLine(padded));
            o.WriteLine(AccuracyLine(lengths));
            double gain = 100 * (lengths.Accuracy - padded.Accuracy);
            o.WriteLine($"  difference: {gain.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture)} percentage points for lengths over padding");
            o.WriteLine("Held-out accuracy (%) after each epoch:");
            o.WriteLine(CurveLine(padded));
            o.WriteLine(CurveLine(lengths));
            o.WriteLine();
            o.Write(ConfusionTable(padded));
            o.WriteLine();
            o.Write(ConfusionTable(lengths));
            o.WriteLine();
            Examples(models[1], data, o);

            byte[] picture = ConfusionPlot.Png(
                [(padded.Label, $"held-out accuracy {Pct(padded.Accuracy)}", padded.Confusion), (lengths.Label, $"held-out accuracy {Pct(lengths.Accuracy)}", lengths.Confusion)],
                LangIdData.Names, OutputFiles.Mark, "Language identification: confusion matrices");
            using PendingFile checkpoint = StageCheckpoint(models[1], checkpointPath, data, lengths, s, totalSteps);
            using PendingFile png = OutputFiles.Stage(pngPath, picture);
            checkpoint.Commit();
            png.Commit();
            o.WriteLine("Wrote (in " + context.Show(folder) + "/, created if missing):");
            o.WriteLine($"  {context.Show(checkpointPath)}   checkpoint of the model trained {lengths.Label}: safetensors, PyTorch tensor names; alphabet, languages and accuracy in its metadata");
            o.WriteLine($"  {context.Show(pngPath)}   confusion matrices of both runs ({ConfusionPlot.Width(LangIdData.Classes, 2)}×{ConfusionPlot.Height(LangIdData.Classes)})");
            return SampleApp.ExitOk;
        }
        finally
        {
            foreach (LangIdModel? m in models) m?.Dispose();
        }
    }

    /// <summary>The accuracy line of one run, as printed: <c>  padded, no lengths   accuracy 91.20%  (1,824 / 2,000)  …</c>.</summary>
    public static string AccuracyLine(ClassifyResult r)
        => string.Create(CultureInfo.InvariantCulture, $"  {r.Label,-32} accuracy {100 * r.Accuracy,6:F2}%  ({r.Correct:N0} / {r.Total:N0})  held-out loss {r.HeldOutLoss:F3}  {r.Steps:N0} steps");

    /// <summary>Held-out accuracy after each epoch (at most 12 points shown, evenly spaced).</summary>
    private static string CurveLine(ClassifyResult r)
    {
        var points = r.Curve;
        int every = Math.Max(1, (int)Math.Ceiling(points.Count / 12.0));
        var shown = points.Where((_, i) => (points.Count - 1 - i) % every == 0).Select(p => $"{Fmt(Math.Round(p.Epoch, 2))}: {(100 * p.Accuracy).ToString("F1", CultureInfo.InvariantCulture)}");
        return $"  {r.Label,-32} " + string.Join("  ", shown);
    }

    private static string Pct(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Fmt(double v) => TrainingRun.Fmt(v);

    /// <summary>Trains <paramref name="model"/> for <paramref name="totalSteps"/> steps; the data order depends only on <paramref name="seed"/>.</summary>
    public static ClassifyResult Train(LangIdModel model, LangIdData data, bool useLengthsPath, ulong seed, int totalSteps, int perEpoch, CancellationToken cancel, Action<double, string>? onProgress = null)
    {
        var optimizer = new AdamW<float>(LearningRate);
        optimizer.Schedule = LearningRateSchedule.WarmupCosine(LearningRate, LearningRate * 0.05, totalSteps, Math.Min(100, totalSteps / 10));
        var random = new Xoshiro256StarStar(seed * 7919 + 17);
        int[] order = [.. Enumerable.Range(0, data.Train.Count)];
        var tokens = new int[LangIdData.Steps * LangIdData.Batch];
        var targets = new int[LangIdData.Batch];
        var lengths = new int[LangIdData.Batch];
        var curve = new List<(double, double)>();
        string label = useLengthsPath ? LengthsPath.Label : PaddedLabel;
        double recentLoss = double.NaN;
        int step = 0;
        while (step < totalSteps && !cancel.IsCancellationRequested)
        {
            int inEpoch = step % perEpoch;
            if (inEpoch == 0) random.Shuffle(order.AsSpan());
            data.Encode(data.Train, order, inEpoch * LangIdData.Batch, tokens, targets, lengths);
            float loss = useLengthsPath
                ? LengthsPath.TrainStep(model, tokens, targets, lengths, optimizer, Clip)
                : model.TrainStep(tokens, targets, optimizer, Clip);
            recentLoss = double.IsNaN(recentLoss) ? loss : 0.95 * recentLoss + 0.05 * loss;
            step++;
            bool epochEnd = step % perEpoch == 0 || step == totalSteps;
            string accuracy = curve.Count > 0 ? $" acc {Pct(curve[^1].Item2)}" : "";
            if (epochEnd)
            {
                (int[,] confusion, _) = Evaluate(model, data, useLengthsPath);
                var partial = new ClassifyResult(label, step, confusion, 0, curve);
                curve.Add(((double)step / perEpoch, partial.Accuracy));
                accuracy = $" acc {Pct(partial.Accuracy)}";
            }
            if (epochEnd || step % 25 == 0)
                onProgress?.Invoke((double)step / totalSteps, string.Create(CultureInfo.InvariantCulture, $"ep {(double)step / perEpoch:F1} loss {recentLoss:F3}{accuracy}"));
        }
        (int[,] final, double heldOutLoss) = Evaluate(model, data, useLengthsPath);
        return new ClassifyResult(label, step, final, heldOutLoss, curve);
    }

    /// <summary>Classifies every held-out word: the confusion counts <c>[true, predicted]</c> and the mean cross-entropy.</summary>
    public static (int[,] Confusion, double Loss) Evaluate(LangIdModel model, LangIdData data, bool useLengthsPath)
    {
        var confusion = new int[LangIdData.Classes, LangIdData.Classes];
        var tokens = new int[LangIdData.Steps * LangIdData.Batch];
        var targets = new int[LangIdData.Batch];
        var lengths = new int[LangIdData.Batch];
        int[] order = [.. Enumerable.Range(0, data.HeldOut.Count)];
        double loss = 0;
        for (int start = 0; start < order.Length; start += LangIdData.Batch)
        {
            int real = data.Encode(data.HeldOut, order, start, tokens, targets, lengths);
            if (useLengthsPath) LengthsPath.Forward(model, tokens, lengths);
            else model.Forward(tokens);
            ReadOnlySpan<float> p = model.Output; // [1, Batch, Classes], after the softmax
            for (int b = 0; b < real; b++)
            {
                ReadOnlySpan<float> row = p.Slice(b * LangIdData.Classes, LangIdData.Classes);
                int best = 0;
                for (int k = 1; k < row.Length; k++)
                    if (row[k] > row[best]) best = k;
                confusion[targets[b], best]++;
                loss -= Math.Log(Math.Max(row[targets[b]], 1e-30f));
            }
        }
        return (confusion, order.Length == 0 ? 0 : loss / order.Length);
    }

    /// <summary>The confusion matrix as a text table (rows: true language; columns: predicted).</summary>
    public static string ConfusionTable(ClassifyResult r)
    {
        var t = new StringBuilder();
        t.AppendLine($"Confusion matrix, {r.Label} (rows: true language, columns: predicted):");
        t.Append(new string(' ', 12));
        foreach (string name in LangIdData.Names) t.Append(CultureInfo.InvariantCulture, $"{name,9}");
        t.AppendLine("   correct");
        for (int k = 0; k < LangIdData.Classes; k++)
        {
            t.Append(CultureInfo.InvariantCulture, $"  {LangIdData.Names[k],-10}");
            int row = 0;
            for (int q = 0; q < LangIdData.Classes; q++)
            {
                t.Append(CultureInfo.InvariantCulture, $"{r.Confusion[k, q],9:N0}");
                row += r.Confusion[k, q];
            }
            t.AppendLine($"   {(row == 0 ? "–" : Pct((double)r.Confusion[k, k] / row)),7}");
        }
        return t.ToString();
    }

    private static void Examples(LangIdModel model, LangIdData data, TextWriter o)
    {
        // A few held-out words of each language and what the saved model says, for a feel of it.
        var tokens = new int[LangIdData.Steps * LangIdData.Batch];
        var targets = new int[LangIdData.Batch];
        var lengths = new int[LangIdData.Batch];
        int[] order = [.. Enumerable.Range(0, LangIdData.Classes).SelectMany(k => data.HeldOut.Select((w, i) => (w, i)).Where(x => x.w.Language == k).Take(3).Select(x => x.i))];
        int real = data.Encode(data.HeldOut, order, 0, tokens, targets, lengths);
        LengthsPath.Forward(model, tokens, lengths);
        ReadOnlySpan<float> p = model.Output;
        o.WriteLine("Held-out words and the saved model's answer:");
        var line = new StringBuilder("  ");
        for (int b = 0; b < real; b++)
        {
            ReadOnlySpan<float> row = p.Slice(b * LangIdData.Classes, LangIdData.Classes);
            int best = 0;
            for (int k = 1; k < row.Length; k++)
                if (row[k] > row[best]) best = k;
            line.Append(CultureInfo.InvariantCulture, $"{data.HeldOut[order[b]].Word} → {LangIdData.Codes[best]} {Pct(row[best])}{(best == targets[b] ? "" : " ✗")}");
            line.Append(b % 3 == 2 ? "\n  " : ";  ");
        }
        o.WriteLine(line.ToString().TrimEnd());
        o.WriteLine();
    }

    private static PendingFile StageCheckpoint(LangIdModel model, string path, LangIdData data, ClassifyResult result, ClassifySettings s, int totalSteps)
    {
        OutputFiles.ThrowIfFailing(path);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CharCheckpoint.ShapeKey] = ShapeName,
            [CharCheckpoint.AlphabetKey] = data.Symbols,
            ["rnngen.sample.written_by"] = OutputFiles.Mark,
            ["rnngen.sample.classes"] = string.Join(",", LangIdData.Codes),
            ["rnngen.sample.pad_id"] = LangIdData.Pad.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.run"] = result.Label,
            ["rnngen.sample.heldout_accuracy"] = result.Accuracy.ToString("R", CultureInfo.InvariantCulture),
            ["rnngen.sample.epochs"] = Fmt(s.Epochs),
            ["rnngen.sample.steps_trained"] = result.Steps.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["rnngen.sample.saved_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        return Safetensors.Stage(model, path, metadata);
    }
}
