using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen.Randomness;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Plotting;
using RnnGen.Sample.Training;

namespace RnnGen.Sample.Adding;

/// <summary>One cell of the study: a cell type at a sequence length.</summary>
/// <param name="Name">RNN, Leaky (the leaky tanh RNN), LSTM or GRU.</param>
/// <param name="Steps">T.</param>
/// <param name="Create">A new model from a seed.</param>
public sealed record AddingCell(string Name, int Steps, Func<ulong, ISupervisedModel<float, float, float>> Create);

/// <summary>What one cell reached.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Steps">Training steps taken in its time slice.</param>
/// <param name="FinalMse">Held-out MSE at the end (1,024 fresh sequences).</param>
/// <param name="SolvedAt">First step at which the held-out MSE was below <see cref="AddingProblem.SolvedMse"/>, or null.</param>
/// <param name="Curve">(step, held-out MSE) along the way.</param>
public sealed record AddingResult(AddingCell Cell, int Steps, double FinalMse, int? SolvedAt, IReadOnlyList<(double Step, double Mse)> Curve);

/// <summary>Settings of <c>adding</c>.</summary>
public sealed record AddingSettings
{
    /// <summary>Wall-clock budget for all twelve cells.</summary>
    public double Minutes { get; init; } = 4;

    /// <summary>Cap on steps per cell (null: only the time slice bounds it).</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Seed for data and initialization.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Cells trained at once; null: the processor count.</summary>
    public int? Threads { get; init; }

    /// <summary>Folder of adding.png and adding.csv.</summary>
    public string Output { get; init; } = "output";
}

/// <summary>
/// The adding problem (Hochreiter and Schmidhuber, 1997): a sequence of T pairs (value ~ U[0, 1], marker), exactly two
/// markers set — one in each half — and the target is the sum of the two marked values. Predicting the mean, 1, gives
/// MSE = Var(U + U) = 1/6 ≈ 0.167; doing better needs the first marked value carried across up to T steps. This runs
/// the classic comparison: with equal hidden size, does the gradient reach back far enough for a tanh RNN, a leaky tanh
/// RNN, an LSTM, a GRU?
/// </summary>
public static class AddingProblem
{
    /// <summary>Hidden units of every cell.</summary>
    public const int Hidden = 32;

    /// <summary>Sequences per training step.</summary>
    public const int Batch = 64;

    /// <summary>The leaky RNN's constant leak α (AddingModels.cs says why this one).</summary>
    public const double Leak = 0.05;

    /// <summary>The MSE below which a cell counts as having solved the task (0.06 × the baseline).</summary>
    public const double SolvedMse = 0.01;

    /// <summary>MSE of always predicting 1.</summary>
    public const double BaselineMse = 1.0 / 6;

    private const float LearningRate = 0.01f, Clip = 1f;
    private const int EvaluateEvery = 20, CurveBatches = 4, FinalBatches = 16;

    /// <summary>The twelve cells, by T then cell type.</summary>
    public static IReadOnlyList<AddingCell> Cells { get; } =
    [
        new("RNN", 50, s => new AddingRnn50(s)), new("Leaky", 50, s => new AddingLeaky50(s)), new("LSTM", 50, s => new AddingLstm50(s)), new("GRU", 50, s => new AddingGru50(s)),
        new("RNN", 100, s => new AddingRnn100(s)), new("Leaky", 100, s => new AddingLeaky100(s)), new("LSTM", 100, s => new AddingLstm100(s)), new("GRU", 100, s => new AddingGru100(s)),
        new("RNN", 200, s => new AddingRnn200(s)), new("Leaky", 200, s => new AddingLeaky200(s)), new("LSTM", 200, s => new AddingLstm200(s)), new("GRU", 200, s => new AddingGru200(s)),
    ];

    /// <summary>Fills one batch: inputs <c>[T, B, 2]</c> time-major and targets <c>[B]</c>.</summary>
    public static void MakeBatch(Xoshiro256StarStar random, int steps, int batch, Span<float> inputs, Span<float> targets)
    {
        inputs.Clear();
        for (int b = 0; b < batch; b++)
        {
            int first = random.NextInt(steps / 2), second = steps / 2 + random.NextInt(steps - steps / 2);
            float sum = 0;
            for (int t = 0; t < steps; t++)
            {
                float v = (float)random.NextDouble();
                int i = (t * batch + b) * 2;
                inputs[i] = v;
                if (t == first || t == second)
                {
                    inputs[i + 1] = 1;
                    sum += v;
                }
            }
            targets[b] = sum;
        }
    }

    /// <summary>Runs the study; returns the exit code.</summary>
    public static int Execute(AddingSettings s, SampleContext context)
    {
        TextWriter o = context.Out;
        string folder = context.Resolve(s.Output);
        string pngPath = Path.Combine(folder, "adding.png"), csvPath = Path.Combine(folder, "adding.csv");
        OutputFiles.EnsureWritable(pngPath, OutputFiles.Kind.Png, context);
        OutputFiles.EnsureWritable(csvPath, OutputFiles.Kind.Text, context);

        int threads = Math.Clamp(s.Threads ?? Environment.ProcessorCount, 1, Cells.Count);
        // The cells run in rounds of `threads`; each gets an equal slice so the rounds fit the budget.
        int rounds = (Cells.Count + threads - 1) / threads;
        double slice = s.Minutes * 60 / rounds;
        o.WriteLine("The adding problem (Hochreiter & Schmidhuber 1997): T pairs (value ~ U[0,1], marker), two markers set;");
        o.WriteLine($"the target is the sum of the two marked values. Always answering 1 scores MSE {BaselineMse:F3}; 'solved' means held-out MSE < {SolvedMse}.");
        o.WriteLine($"Every cell: one layer of {Hidden} units (the leaky RNN's leak α = {Leak}), batch {Batch}, Adam lr {LearningRate}, clip {Clip}; {TrainingRun.Fmt(s.Minutes)} minutes in all, " +
                    $"{Cells.Count} cells {threads} at a time, {TrainingRun.Duration(slice)} each{(s.MaxSteps is { } m ? $" (at most {m:N0} steps)" : "")}.");
        o.WriteLine();

        var results = new AddingResult?[Cells.Count];
        var progress = new double[Cells.Count];
        var bar = new ProgressBar(o, context.Interactive);
        var clock = Stopwatch.StartNew();
        object gate = new();
        int next = -1;
        void Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Cells.Count)
            {
                int index = i;
                results[index] = Train(Cells[index], s.Seed, slice, s.MaxSteps, context.Cancel, f =>
                {
                    lock (gate)
                    {
                        progress[index] = f;
                        int done = results.Count(r => r is not null);
                        bar.Report(progress.Average(), $"{done}/{Cells.Count} cells done  {TrainingRun.Duration(clock.Elapsed.TotalSeconds)} elapsed");
                    }
                });
                lock (gate) progress[index] = 1;
            }
        }
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(Worker) { IsBackground = true }).ToArray();
        foreach (Thread t in workers) t.Start();
        foreach (Thread t in workers) t.Join();
        bar.Report(1, $"{Cells.Count}/{Cells.Count} cells done in {TrainingRun.Duration(clock.Elapsed.TotalSeconds)}", force: true);
        bar.Finish();
        if (context.Cancel.IsCancellationRequested) o.WriteLine("Stopped early (Ctrl+C): the cells report what they reached.");

        AddingResult[] done = [.. results.Select(r => r!)];
        o.WriteLine();
        o.Write(Table(done));
        o.WriteLine();
        WritePlot(pngPath, done);
        WriteCsv(csvPath, done);
        o.WriteLine(Verdict(done));
        o.WriteLine($"Wrote {context.Show(pngPath)} (held-out MSE against step, one panel per T) and {context.Show(csvPath)}.");
        return SampleApp.ExitOk;
    }

    /// <summary>Trains one cell for <paramref name="seconds"/> (or <paramref name="maxSteps"/>).</summary>
    public static AddingResult Train(AddingCell cell, ulong seed, double seconds, int? maxSteps, CancellationToken cancel, Action<double>? onProgress = null)
    {
        using var model = cell.Create(seed);
        var adam = new Adam<float>(LearningRate);
        int steps = cell.Steps;
        // Training data and held-out data come from separate streams, the same for every cell type at a given T.
        var random = new Xoshiro256StarStar(seed * 1000 + (ulong)steps);
        var x = new float[steps * Batch * 2];
        var y = new float[Batch];
        var heldX = new float[FinalBatches][];
        var heldY = new float[FinalBatches][];
        var heldRandom = new Xoshiro256StarStar(seed * 1000 + (ulong)steps + 7);
        for (int k = 0; k < FinalBatches; k++)
        {
            heldX[k] = new float[x.Length];
            heldY[k] = new float[Batch];
            MakeBatch(heldRandom, steps, Batch, heldX[k], heldY[k]);
        }
        double Mse(int batches)
        {
            double total = 0;
            for (int k = 0; k < batches; k++)
            {
                model.Forward(heldX[k]);
                total += double.CreateTruncating(model.Loss(heldY[k]));
            }
            return total / batches;
        }

        var curve = new List<(double, double)> { (0, Mse(CurveBatches)) };
        int? solvedAt = null;
        var clock = Stopwatch.StartNew();
        int step = 0;
        while (clock.Elapsed.TotalSeconds < seconds && (maxSteps is null || step < maxSteps) && !cancel.IsCancellationRequested)
        {
            MakeBatch(random, steps, Batch, x, y);
            try
            {
                model.TrainStep(x, y, adam, Clip);
            }
            catch (TrainingDivergedException)
            {
                break; // reported as what it reached; a diverged cell is "not solved"
            }
            step++;
            if (step % EvaluateEvery == 0)
            {
                double mse = Mse(CurveBatches);
                curve.Add((step, mse));
                if (solvedAt is null && mse < SolvedMse) solvedAt = step;
                onProgress?.Invoke(Math.Max(clock.Elapsed.TotalSeconds / seconds, maxSteps is { } m ? (double)step / m : 0));
            }
        }
        return new AddingResult(cell, step, Mse(FinalBatches), solvedAt, curve);
    }

    /// <summary>The results table.</summary>
    public static string Table(IReadOnlyList<AddingResult> results)
    {
        var t = new StringBuilder();
        t.AppendLine("    T  cell     steps trained  final MSE  steps to MSE < 0.01");
        t.AppendLine("  ---  -----  ---------------  ---------  -------------------");
        foreach (AddingResult r in results)
        {
            string solved = r.SolvedAt is { } a ? a.ToString("N0", CultureInfo.InvariantCulture) : "not solved";
            string mse = r.FinalMse >= 0.001 ? r.FinalMse.ToString("F4", CultureInfo.InvariantCulture) : r.FinalMse.ToString("0.0e+0", CultureInfo.InvariantCulture);
            t.AppendLine(CultureInfo.InvariantCulture, $"  {r.Cell.Steps,3}  {r.Cell.Name,-5}  {r.Steps,15:N0}  {mse,9}  {solved,19}");
        }
        return t.ToString();
    }

    private static string Verdict(IReadOnlyList<AddingResult> results)
    {
        static string List(IEnumerable<AddingResult> rs) => string.Join(", ", rs.Select(r => $"{r.Cell.Name} T={r.Cell.Steps}"));
        var solved = results.Where(r => r.SolvedAt is not null).ToList();
        var unsolved = results.Where(r => r.SolvedAt is null).ToList();
        return $"Solved within the budget: {(solved.Count > 0 ? List(solved) : "none")}. Not solved: {(unsolved.Count > 0 ? List(unsolved) : "none")}." +
               (unsolved.Count > 0 ? " (A longer --minutes may solve more; the tanh RNN's gradient fades with the distance to the first marker.)" : "");
    }

    private static void WritePlot(string path, IReadOnlyList<AddingResult> results)
    {
        var colors = new Dictionary<string, uint> { ["RNN"] = 0x7F7F7F, ["Leaky"] = 0xFF7F0E, ["LSTM"] = 0x1F77B4, ["GRU"] = 0xD62728 };
        int[] lengths = [.. results.Select(r => r.Cell.Steps).Distinct()];
        const int panelWidth = 620, height = 520;
        var panels = new List<ScottPlot.Plot>();
        foreach (int length in lengths)
        {
            AddingResult[] runs = [.. results.Where(r => r.Cell.Steps == length)];
            panels.Add(Figures.LineChart($"Adding problem, T = {length}", "training step", "held-out MSE (log)",
                [.. runs.Select(r => new Series(r.Cell.Name, colors.GetValueOrDefault(r.Cell.Name, 0x000000u), r.Curve))],
                [new ReferenceLine(BaselineMse, "baseline 0.167", 0x888888), new ReferenceLine(SolvedMse, "solved < 0.01", 0x2CA02C)],
                xRange: (0, Math.Max(1, runs.Max(r => r.Steps))),
                yRange: (1e-5, 1),
                logY: true));
        }
        OutputFiles.WriteAtomically(path, Figures.Png(panels, panelWidth, height, OutputFiles.Mark, "Adding problem: RNN vs leaky RNN vs LSTM vs GRU"));
    }

    private static void WriteCsv(string path, IReadOnlyList<AddingResult> results)
    {
        var csv = new StringBuilder();
        csv.AppendLine($"# {OutputFiles.Mark} adding problem: held-out MSE against training step");
        csv.AppendLine("cell,T,step,mse");
        foreach (AddingResult r in results)
            foreach ((double step, double mse) in r.Curve)
                csv.AppendLine(CultureInfo.InvariantCulture, $"{r.Cell.Name},{r.Cell.Steps},{step},{mse:G5}");
        OutputFiles.WriteAtomically(path, Encoding.UTF8.GetBytes(csv.ToString()));
    }
}
