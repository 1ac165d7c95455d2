using RnnGen.Sample.Models;

namespace RnnGen.Sample.Tests;

/// <summary>End to end in seconds: train on a tiny text, then sample, resume, and the adding study with a tiny budget.</summary>
public class SmokeTests(TrainedCheckpoint trained) : IClassFixture<TrainedCheckpoint>
{
    [Fact]
    public void Train_writes_a_checkpoint_a_loss_curve_and_generated_text()
    {
        RunResult r = trained.Training;
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Equal("", r.Error);
        Assert.Contains("validation", r.Out, StringComparison.Ordinal);
        Assert.Contains("bits/char", r.Out, StringComparison.Ordinal);
        Assert.Contains("Generated from the prompt \"the \"", r.Out, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("output", "char-model.safetensors"), r.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(trained.Path));
        Assert.True(Commands.OutputFiles.IsOurs(trained.Folder.File(Path.Combine("output", "loss-curve.png")), Commands.OutputFiles.Kind.Png));
        Assert.StartsWith("# RnnGen.Sample", File.ReadAllText(trained.Folder.File(Path.Combine("output", "loss-curve.csv"))), StringComparison.Ordinal);

        var header = Safetensors.ReadHeader(trained.Path);
        Assert.Equal("small", header.Metadata[CharCheckpoint.ShapeKey]);
        Assert.Equal(string.Concat(new SortedSet<char>(File.ReadAllText(trained.TextPath))), header.Metadata[CharCheckpoint.AlphabetKey]);
        Assert.Equal("the ", header.Metadata[CharCheckpoint.PromptKey]);
        Assert.Equal("adamw", header.Metadata["rnngen.sample.optimizer"]);
        Assert.Equal("16", header.Metadata["rnngen.sample.lanes"]);
        Assert.True(double.Parse(header.Metadata["rnngen.sample.validation_bits_per_char"], System.Globalization.CultureInfo.InvariantCulture) < 5);

        // Early stopping by validation: the saved model is the best of the run's held-out evaluations.
        double[] validations = File.ReadAllLines(trained.Folder.File(Path.Combine("output", "loss-curve.csv")))
            .Where(l => l.StartsWith("validation,", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(validations.Length >= 2, "the run evaluated the held-out text during training and at the end");
        Assert.Equal(validations.Min(), double.Parse(header.Metadata["rnngen.sample.validation_bits_per_char"], System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.True(long.Parse(header.Metadata["rnngen.sample.kept_step"], System.Globalization.CultureInfo.InvariantCulture) <= long.Parse(header.Metadata["rnngen.sample.steps_trained"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("kept       the ", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_loads_the_checkpoint_and_continues_the_prompt()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--prompt", "the cat ", "--length", "60", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Error);
        string text = r.Out.TrimEnd('\n');
        Assert.StartsWith("the cat ", text, StringComparison.Ordinal);
        Assert.Equal("the cat ".Length + 60, text.Length);
        Assert.Contains("shape small", r.Error, StringComparison.Ordinal);

        // Same seed, same text; temperature 0 is deterministic too.
        Assert.Equal(r.Out, Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--prompt", "the cat ", "--length", "60", "--seed", "3").Out);
        Assert.Equal(0, Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--temperature", "0", "--length", "20").ExitCode);
    }

    [Fact]
    public void Resume_continues_from_the_checkpoint_and_overwrites_only_it()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        folder.Write("tiny.txt", File.ReadAllText(trained.TextPath));
        RunResult r = Sample.Run(folder.Path, "train", "tiny.txt", "--resume", "model.safetensors", "--epochs", "1", "--length", "10", "--output", "curves");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("resuming from model.safetensors", r.Out, StringComparison.Ordinal);
        var before = Safetensors.ReadHeader(trained.Path).Metadata;
        var after = Safetensors.ReadHeader(folder.File("model.safetensors")).Metadata;
        Assert.Equal(2 * long.Parse(before["rnngen.sample.chars_trained"], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(after["rnngen.sample.chars_trained"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(File.Exists(folder.File(Path.Combine("curves", "loss-curve.png"))));
        Assert.False(Directory.Exists(folder.File("output")));
    }

    [Fact]
    public void Resume_continues_the_optimizer_saved_beside_the_checkpoint()
    {
        // The training run saved the optimizer's state beside its checkpoint; resuming from both continues the moments and
        // the step count (so no second warm-up), and saves both again.
        Assert.True(File.Exists(trained.OptimizerPath));
        Assert.Contains("char-model.optimizer.safetensors", trained.Training.Out, StringComparison.Ordinal);
        long stepsBefore = long.Parse(Safetensors.ReadHeader(trained.OptimizerPath).Metadata[Safetensors.OptimizerStepKey], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stepsBefore > 0);

        using var folder = new TempFolder();
        trained.CopyTo(folder);
        File.Copy(trained.OptimizerPath, folder.File("model.optimizer.safetensors"));
        folder.Write("tiny.txt", File.ReadAllText(trained.TextPath));
        RunResult r = Sample.Run(folder.Path, "train", "tiny.txt", "--resume", "model.safetensors", "--epochs", "1", "--length", "10", "--output", "curves");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains($"the optimizer continues from step {stepsBefore:N0} of model.optimizer.safetensors", r.Out, StringComparison.Ordinal);
        var after = Safetensors.ReadHeader(folder.File("model.optimizer.safetensors")).Metadata;
        long stepsTrained = long.Parse(Safetensors.ReadHeader(trained.Path).Metadata["rnngen.sample.steps_trained"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(stepsBefore + stepsTrained, long.Parse(after[Safetensors.OptimizerStepKey], System.Globalization.CultureInfo.InvariantCulture));

        // Another optimizer cannot continue AdamW's state: it starts afresh and says why.
        RunResult sgd = Sample.Run(folder.Path, "train", "tiny.txt", "--resume", "model.safetensors", "--optimizer", "sgd", "--epochs", "0.2", "--length", "1", "--output", "curves");
        Assert.True(sgd.ExitCode == 0, sgd.Error + sgd.Out);
        Assert.Contains("the optimizer starts afresh: the checkpoint was trained with adamw, this run uses sgd", sgd.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_without_the_optimizer_state_starts_the_optimizer_afresh()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        folder.Write("tiny.txt", File.ReadAllText(trained.TextPath));
        RunResult r = Sample.Run(folder.Path, "train", "tiny.txt", "--resume", "model.safetensors", "--epochs", "0.2", "--length", "1", "--output", "curves");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("the optimizer starts afresh: there is no model.optimizer.safetensors", r.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.File("model.optimizer.safetensors")));
    }

    [Fact]
    public void One_thread_and_two_threads_train_the_same_parameters()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", Sample.TinyText(12_000));
        string[] common = ["train", "t.txt", "--shape", "small", "--epochs", "0.5", "--length", "1"];
        Assert.Equal(0, Sample.Run(folder.Path, [.. common, "--threads", "1", "--checkpoint", "one.safetensors", "--output", "o1"]).ExitCode);
        Assert.Equal(0, Sample.Run(folder.Path, [.. common, "--threads", "2", "--checkpoint", "two.safetensors", "--output", "o2"]).ExitCode);
        using var a = new SmallCharModel();
        using var b = new SmallCharModel();
        Safetensors.Load(a, folder.File("one.safetensors"));
        Safetensors.Load(b, folder.File("two.safetensors"));
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
    }

    [Fact]
    public void Adding_runs_twelve_cells_prints_the_table_and_plots()
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, "adding", "--minutes", "0.05", "--max-steps", "20");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        foreach (int t in new[] { 50, 100, 200 })
            foreach (string cell in new[] { "RNN", "Leaky", "LSTM", "GRU" })
                Assert.Matches($@"\n\s+{t}\s+{cell}\s+\d+\s+(\d\.\d{{4}}|\d\.\de-\d)\s+(not solved|\d[\d,]*)\n", r.Out);
        string png = folder.File(Path.Combine("output", "adding.png"));
        Assert.True(Commands.OutputFiles.IsOurs(png, Commands.OutputFiles.Kind.Png));
        (int width, int height) = PngTests.Size(File.ReadAllBytes(png));
        Assert.Equal((3 * 620, 520), (width, height));
    }

    [Fact]
    public void The_bundled_corpus_ships_with_the_program_and_trains()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Data", "sherlock.txt")));
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, "train", "--shape", "small", "--epochs", "0.01", "--length", "20");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("sherlock.txt (bundled): 562,331 characters, 81 distinct", r.Out, StringComparison.Ordinal);
        Assert.Contains("Generated from the prompt \"Holmes \"", r.Out, StringComparison.Ordinal);
        Assert.Equal("sherlock.txt", Safetensors.ReadHeader(folder.File(Path.Combine("output", "char-model.safetensors"))).Metadata["rnngen.sample.text"]);
    }

    [Fact]
    public void Adding_problem_batches_have_two_markers_and_the_right_sum()
    {
        var random = new Randomness.Xoshiro256StarStar(1);
        var x = new float[50 * 4 * 2];
        var y = new float[4];
        Adding.AddingProblem.MakeBatch(random, 50, 4, x, y);
        for (int b = 0; b < 4; b++)
        {
            var marked = Enumerable.Range(0, 50).Where(t => x[(t * 4 + b) * 2 + 1] == 1).ToArray();
            Assert.Equal(2, marked.Length);
            Assert.True(marked[0] < 25 && marked[1] >= 25);
            Assert.Equal(x[(marked[0] * 4 + b) * 2] + x[(marked[1] * 4 + b) * 2], y[b], 5);
        }
    }
}
