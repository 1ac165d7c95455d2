using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using RnnGen.Randomness;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/RnnGen.Benchmarks -- lengths [--rounds N] [--budget-ms M] [--seed S] [--configs a,b] [--write]</c>:
/// lanes of different lengths, side by side in one run. Each lane's length is drawn uniformly from [T/8, T] (seeded;
/// the same lengths for every system). RnnGen's forward and train step padded (every lane T steps, the calls without
/// lengths) and with the drawn lengths (<see cref="IVariableLengthModel{T, TInput, TTarget}"/>: packed, each step over
/// the lanes still running), the same calls with every length T (the packed path's own overhead), PyTorch's train step on
/// the same batch packed (<c>pack_padded_sequence(enforce_sorted=False)</c>), and ONNX Runtime's forward with the
/// lengths as the LSTM operator's sequence_lens. One thread per system, medians of alternating rounds. With
/// <c>--write</c> the table replaces (or adds) its section of bench/RESULTS.md.
/// </summary>
public static class LengthsComparison
{
    public static readonly string[] Configs = { "lstm-65-128-64-16", "lstm-128-256-64-16" };

    private const string SectionTitle = "## Lanes of different lengths";

    /// <summary>One configuration: a generated many-to-many model, fixed random inputs and targets, and drawn lengths.</summary>
    private sealed class Case
    {
        public required IRnnModel<float> Model { get; init; }
        public required string Cell { get; init; }
        public required int Hidden { get; init; }
        public required int[] Lengths { get; init; }
        public required Action ForwardPadded { get; init; }
        public required Action ForwardFull { get; init; }
        public required Action ForwardLengths { get; init; }
        public required Action TrainPadded { get; init; }
        public required Action TrainFull { get; init; }
        public required Action TrainLengths { get; init; }
        public int Input => Model.InputSize;
        public int Steps => Model.Steps;
        public int Batch => Model.Batch;

        /// <summary>Σ lengths / (T·B): the share of the padded batch's steps that exist.</summary>
        public double Fill => Lengths.Sum() / (double)(Steps * Batch);

        public string Label => $"{Cell.ToUpperInvariant()} {Input}, {Hidden}, {Steps}, {Batch}";
    }

    private static Case Create(string key, int seed) => key switch
    {
        "lstm-65-128-64-16" => Make(new Lstm_I65_H128_T64_B16(1), "lstm", 128, seed),
        "lstm-128-256-64-16" => Make(new Lstm_I128_H256_T64_B16(1), "lstm", 256, seed),
        _ => throw new ArgumentException($"Unknown configuration '{key}'. Known: {string.Join(", ", Configs)}.", nameof(key)),
    };

    /// <summary>Lengths uniform in [T/8, T], one per lane, from <paramref name="seed"/> alone.</summary>
    public static int[] DrawLengths(int steps, int batch, int seed)
    {
        var random = new Xoshiro256StarStar((ulong)seed);
        int low = Math.Max(1, steps / 8);
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[b] = low + random.NextInt(steps - low + 1);
        return lengths;
    }

    private static Case Make<TModel>(TModel model, string cell, int hidden, int seed)
        where TModel : IVariableLengthModel<float, float, int>
    {
        model.Threads = 1;
        var random = new Xoshiro256StarStar(42);
        var x = new float[model.Steps * model.Batch * model.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
        var y = new int[model.OutputSteps * model.Batch];
        for (int i = 0; i < y.Length; i++) y[i] = random.NextInt(model.OutputSize);
        int[] lengths = DrawLengths(model.Steps, model.Batch, seed);
        int[] full = Enumerable.Repeat(model.Steps, model.Batch).ToArray();
        var sgd = new Sgd<float>(0.01f);
        return new Case
        {
            Model = model, Cell = cell, Hidden = hidden, Lengths = lengths,
            ForwardPadded = () => model.Forward(x),
            ForwardFull = () => model.Forward(x, full),
            ForwardLengths = () => model.Forward(x, lengths),
            TrainPadded = () => model.TrainStep(x, y, sgd, 5f),
            TrainFull = () => model.TrainStep(x, y, full, sgd, 5f),
            TrainLengths = () => model.TrainStep(x, y, lengths, sgd, 5f),
        };
    }

    private sealed record Row(Case C, double FwdPadded, double FwdFull, double FwdLengths, double TrainPadded, double TrainFull, double TrainLengths,
        double TorchTrain, double TorchForward, double OrtFull, double Ort, string Notes);

    public static int Run(string[] args)
    {
        int rounds = PeerComparison.IntOption(args, "--rounds", 3);
        double budgetMs = PeerComparison.IntOption(args, "--budget-ms", 400);
        int seed = PeerComparison.IntOption(args, "--seed", 1);
        string repoRoot = PeerComparison.RepositoryRoot();
        string scripts = PeerComparison.StringOption(args, "--scripts") ?? Path.Combine(repoRoot, "bench", "peers");
        string[] configs = PeerComparison.StringOption(args, "--configs")?.Split(',') ?? Configs;
        bool write = args.Contains("--write");

        var torch = new TorchPeer(scripts);
        string? torchProblem = torch.Problem();
        if (torchProblem is not null) Console.WriteLine($"PyTorch peer missing: {torchProblem}. ONNX Runtime needs it too (to export the graph); RnnGen still runs.");
        string onnxFolder = Path.Combine(Path.GetTempPath(), "rnngen-peers");
        Directory.CreateDirectory(onnxFolder);
        string? torchVersion = null;

        var rows = new List<Row>();
        foreach (string key in configs)
        {
            Case c = Create(key, seed);
            Console.WriteLine($"{c.Label}: lengths {string.Join(' ', c.Lengths)} (fill {c.Fill:F3}), {rounds} rounds, one thread per system");
            OnnxRuntimePeer? ort = null, ortFull = null;
            string notes = "";
            if (torchProblem is null)
            {
                try
                {
                    string graph = torch.ExportOnnx(c.Cell, c.Input, c.Hidden, c.Steps, c.Batch, onnxFolder, lengths: true);
                    ort = new OnnxRuntimePeer(graph, c.Steps, c.Batch, c.Input, c.Input, 1, c.Lengths);
                    ortFull = new OnnxRuntimePeer(graph, c.Steps, c.Batch, c.Input, c.Input, 1, Enumerable.Repeat(c.Steps, c.Batch).ToArray());
                    CheckSequenceLengths(ort, c);
                }
                catch (Exception ex) when (ex is InvalidOperationException or OnnxRuntimeException or DllNotFoundException) { notes = "ORT: " + ex.Message.Split('\n')[0]; }
            }
            Action[] ours = { c.ForwardPadded, c.ForwardFull, c.ForwardLengths, c.TrainPadded, c.TrainFull, c.TrainLengths };
            int[] reps = ours.Select(a => Timing.RepsFor(a, budgetMs)).ToArray();
            int ortReps = ort is null ? 0 : Timing.RepsFor(ort.Run, budgetMs), ortFullReps = ortFull is null ? 0 : Timing.RepsFor(ortFull.Run, budgetMs);
            var times = ours.Select(_ => new List<double>()).ToArray();
            var o = new List<double>(); var of = new List<double>(); var tt = new List<double>(); var tf = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                // Alternate: each system runs once per round, so drift (thermal, other load) hits all alike.
                for (int i = 0; i < ours.Length; i++)
                {
                    times[i].Add(Timing.MedianMilliseconds(ours[i], reps[i]));
                    if (i == 1 && ortFull is not null) of.Add(Timing.MedianMilliseconds(ortFull.Run, ortFullReps));
                    if (i == 2 && ort is not null) o.Add(Timing.MedianMilliseconds(ort.Run, ortReps));
                }
                if (torchProblem is null)
                {
                    TorchPeer.Result pr = torch.Measure(c.Cell, c.Input, c.Hidden, c.Steps, c.Batch, Math.Clamp(reps[5], 10, 60), 1, c.Lengths);
                    tt.Add(pr.TrainMs); tf.Add(pr.ForwardMs); torchVersion = pr.Peer;
                }
            }
            ort?.Dispose();
            ortFull?.Dispose();
            double[] m = times.Select(Timing.Median).ToArray();
            var row = new Row(c, m[0], m[1], m[2], m[3], m[4], m[5], Timing.Median(tt), Timing.Median(tf), Timing.Median(of), Timing.Median(o), notes);
            rows.Add(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  RnnGen forward padded {row.FwdPadded:F3} / all T {row.FwdFull:F3} / lengths {row.FwdLengths:F3} ms, train padded {row.TrainPadded:F3} / all T {row.TrainFull:F3} / lengths {row.TrainLengths:F3} ms; ORT forward all T {row.OrtFull:F3} / lengths {row.Ort:F3} ms; PyTorch packed forward {row.TorchForward:F3} ms, train {row.TorchTrain:F3} ms"));
        }

        string table = Table(rows, seed);
        string machine = PeerComparison.MachineLine(torchVersion, 1);
        Console.WriteLine();
        Console.WriteLine(machine);
        Console.WriteLine();
        Console.WriteLine(table);
        if (write)
        {
            string path = Path.Combine(repoRoot, "bench", "RESULTS.md");
            string section = $"{SectionTitle} (`-- lengths`, {DateTime.UtcNow:yyyy-MM-dd})\n\n" +
                $"Written by `dotnet run -c Release --project bench/RnnGen.Benchmarks -- lengths{(rounds == 3 ? "" : $" --rounds {rounds}")} --write` (one thread per system, medians of {rounds} alternating rounds).\n\n" +
                machine + "\n\n" + table;
            File.WriteAllText(path, ResultsFile.WithSection(File.ReadAllText(path), SectionTitle, section));
            Console.WriteLine($"written to {path}");
        }
        return 0;
    }

    private static string Table(IReadOnlyList<Row> rows, int seed)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| config (I, H, T, B) | fill | RnnGen train ms: padded / all T / lengths | train (lengths / padded) ÷ fill | RnnGen fwd ms: padded / all T / lengths | fwd (lengths / padded) ÷ fill | PyTorch packed train ms | train ratio | ORT fwd ms: all T / lengths | fwd ratio |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            Case c = r.C;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Label} | {c.Fill:F3} | {r.TrainPadded:F3} / {r.TrainFull:F3} / {r.TrainLengths:F3} | {r.TrainLengths / r.TrainPadded / c.Fill:F2} | {r.FwdPadded:F3} / {r.FwdFull:F3} / {r.FwdLengths:F3} | {r.FwdLengths / r.FwdPadded / c.Fill:F2} | {Ms(r.TorchTrain)} | {Ratio(r.TorchTrain, r.TrainLengths)} | {Ms(r.OrtFull)} / {Ms(r.Ort)} | {Ratio(r.Ort, r.FwdLengths)} |{(r.Notes.Length > 0 ? " " + r.Notes : "")}"));
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Lengths: one per lane, uniform in [T/8, T] (seed {seed}, the same for every system): {string.Join("; ", rows.Select(r => $"{r.C.Label}: {string.Join(' ', r.C.Lengths)}"))}. ") +
            "Fill = Σ lengths / (T·B), the share of the padded batch's steps that exist. RnnGen padded = the calls without lengths (every lane T steps); " +
            "all T = the calls with lengths, every length T (the packed path on a full batch); lengths = the calls with the drawn lengths (packed: lanes sorted by length, each step over the lanes still running). " +
            "(lengths / padded) ÷ fill is 1 when a batch costs exactly its share of real steps; the target is at most 1.3. " +
            "PyTorch packed train = zero-grad, pack_padded_sequence(x, lengths, enforce_sorted=False), LSTM, head on the packed rows, the targets packed alike, cross-entropy summed over the real steps and averaged over the lanes, backward, clip to norm 5, SGD step — RnnGen's train step with lengths. " +
            "ORT = ONNX Runtime running the graph of export_onnx.py --lengths (the lengths as the LSTM operator's sequence_lens; all T: every length T), its forward ratio against RnnGen's forward with lengths. " +
            "Ratios are peer time / RnnGen time with lengths (above 1: RnnGen is faster); targets: train ≥ 3×, forward ≥ 1.2×.");
        return sb.ToString();
    }

    /// <summary>
    /// Throws unless ONNX Runtime honoured the lengths: past its length a lane's hidden output is 0, so y there is
    /// softmax of the head's bias, the same row at every padded position of every lane.
    /// </summary>
    private static void CheckSequenceLengths(OnnxRuntimePeer ort, Case c)
    {
        ort.Run();
        ReadOnlySpan<float> y = ort.Output;
        int classes = c.Input, lane = Array.IndexOf(c.Lengths, c.Lengths.Min());
        if (c.Lengths[lane] == c.Steps) return; // no padded position to look at
        ReadOnlySpan<float> padded = y.Slice(((c.Steps - 1) * c.Batch + lane) * classes, classes);
        for (int t = 0; t < c.Steps; t++)
        {
            for (int b = 0; b < c.Batch; b++)
            {
                ReadOnlySpan<float> row = y.Slice((t * c.Batch + b) * classes, classes);
                bool same = row.SequenceEqual(padded);
                if (same != (t >= c.Lengths[b]))
                    throw new InvalidOperationException($"the ONNX graph did not apply the lengths (step {t}, lane {b} of length {c.Lengths[b]})");
            }
        }
    }

    private static string Ms(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F3", CultureInfo.InvariantCulture);

    private static string Ratio(double peer, double ours) => double.IsNaN(peer) ? "n/a" : (peer / ours).ToString("F2", CultureInfo.InvariantCulture) + "×";
}
