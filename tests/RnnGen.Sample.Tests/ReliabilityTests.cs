using System.Globalization;
using System.Text;
using RnnGen.Sample.Models;
using RnnGen.Sample.Training;

namespace RnnGen.Sample.Tests;

/// <summary>Hostile inputs and interrupted runs: each is refused with one line, or survives, and never leaves a worse file behind.</summary>
public class ReliabilityTests(TrainedCheckpoint trained) : IClassFixture<TrainedCheckpoint>
{
    private static void AssertNothingChanged(TempFolder folder, Dictionary<string, string> before) =>
        Assert.Equal(before.OrderBy(kv => kv.Key), folder.Snapshot().OrderBy(kv => kv.Key));

    private static string[] Small => ["--shape", "small", "--batch", "16", "--epochs", "1", "--length", "30"];

    // ---------------------------------------------------------------- 1. characters outside the BMP

    [Fact]
    public void Emoji_and_combining_characters_survive_train_sample_and_resume()
    {
        using var folder = new TempFolder();
        string text = Sample.TinyText(14_000).Replace("cat", "c😀t", StringComparison.Ordinal).Replace("tea", "te\u0301a", StringComparison.Ordinal).Replace("dog", "d🐕g", StringComparison.Ordinal);
        folder.Write("emoji.txt", text);
        RunResult r = Sample.Run(folder.Path, ["train", "emoji.txt", .. Small, "--prompt", "the c😀t "]);
        Assert.True(r.ExitCode == 0, r.Error + r.Out);

        string alphabet = Safetensors.ReadHeader(folder.File("output/char-model.safetensors")).Metadata[CharCheckpoint.AlphabetKey];
        string[] symbols = [.. alphabet.EnumerateRunes().Select(x => x.ToString())];
        Assert.Contains("😀", symbols);
        Assert.Contains("🐕", symbols);
        Assert.Contains("\u0301", symbols);
        Assert.DoesNotContain("\uFFFD", alphabet);
        Assert.Equal(symbols.Length, symbols.Distinct().Count());
        Assert.Equal(new HashSet<string>(text.EnumerateRunes().Select(x => x.ToString())).Count, symbols.Length);

        RunResult s = Sample.Run(folder.Path, "sample", "--prompt", "d🐕g ", "--length", "200", "--seed", "2");
        Assert.True(s.ExitCode == 0, s.Error);
        string generated = s.Out.TrimEnd('\n');
        Assert.StartsWith("d🐕g ", generated, StringComparison.Ordinal);
        Assert.Equal(4 + 200, generated.EnumerateRunes().Count()); // 200 symbols, each a whole code point
        Assert.All(generated.EnumerateRunes(), x => Assert.Contains(x.ToString(), symbols));

        RunResult resumed = Sample.Run(folder.Path, "train", "emoji.txt", "--resume", "output/char-model.safetensors", "--epochs", "0.3", "--length", "5");
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Out);
    }

    // ---------------------------------------------------------------- 2. a run that learned nothing useful

    [Fact]
    public void A_diverging_run_never_replaces_the_checkpoint()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        File.Copy(trained.OptimizerPath, folder.File("model.optimizer.safetensors"));
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--lr", "1e30", "--clip", "0", "--epochs", "1", "--output", "curves");
        Sample.AssertOneLineError(r, 1, "model.safetensors");
        Assert.DoesNotContain("NaN bits/char", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("10000000000", r.Error, StringComparison.Ordinal);
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void A_model_far_worse_than_the_checkpoint_it_would_replace_is_not_saved()
    {
        using var folder = new TempFolder();
        string text = File.ReadAllText(trained.TextPath);
        folder.Write("t.txt", text);
        // The checkpoint claims 0.01 bits/char on held-out text: a short run from scratch cannot come within 1 bit of it.
        ForgedCheckpoint(folder, "good.safetensors", new()
        {
            [CharCheckpoint.AlphabetKey] = Text.Alphabet.FromText(text, 128, "t").Symbols,
            ["rnngen.sample.validation_bits_per_char"] = "0.0100",
        });
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--shape", "small", "--batch", "16", "--epochs", "0.2", "--checkpoint", "good.safetensors", "--output", "curves");
        Sample.AssertOneLineError(r, 1, "far above the 0.010 of the model in good.safetensors");
        Assert.Contains("keeps its last good model", r.Error, StringComparison.Ordinal);
        AssertNothingChanged(folder, before);
    }

    // ---------------------------------------------------------------- 3. checkpoint and optimizer out of step

    [Fact]
    public void An_optimizer_file_of_another_save_is_not_resumed_silently()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        File.Copy(trained.OptimizerPath, folder.File("model.optimizer.safetensors"));
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        // A second save of the model, but the optimizer file stays the first save's (a kill or a full disk between the two).
        RunResult first = Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--epochs", "0.3", "--length", "1", "--output", "curves");
        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        File.Copy(trained.OptimizerPath, folder.File("model.optimizer.safetensors"), overwrite: true);
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--epochs", "0.3", "--length", "1", "--output", "curves");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("the optimizer starts afresh: model.optimizer.safetensors was saved with another save of model.safetensors", r.Out, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- 4. a run that fails after training

    [Fact]
    public void An_unwritable_output_folder_is_found_before_training_and_nothing_is_replaced()
    {
        if (!Directory.Exists("/proc/self")) return; // a folder no one, not even root, can create files in
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--epochs", "1", "--output", "/proc/self");
        Sample.AssertOneLineError(r, 1, "/proc/self");
        Assert.DoesNotContain("Evaluating", r.Out, StringComparison.Ordinal); // refused before training
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void A_write_that_fails_after_training_replaces_no_file()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        File.Copy(trained.OptimizerPath, folder.File("model.optimizer.safetensors"));
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        RunResult once = Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--epochs", "0.2", "--length", "1", "--output", "curves");
        Assert.True(once.ExitCode == 0, once.Error);
        var before = folder.Snapshot();
        Commands.OutputFiles.FailWrite.Value = path => path.EndsWith("loss-curve.csv", StringComparison.Ordinal); // the last file written
        try
        {
            RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--epochs", "0.2", "--length", "1", "--output", "curves");
            Sample.AssertOneLineError(r, 1, "loss-curve.csv");
        }
        finally
        {
            Commands.OutputFiles.FailWrite.Value = null;
        }
        AssertNothingChanged(folder, before);
    }

    // ---------------------------------------------------------------- 6. two outputs at one path

    [Theory]
    [InlineData("output/loss-curve.csv")]
    [InlineData("output/loss-curve.png")]
    [InlineData("t.txt")]
    public void Outputs_that_collide_with_each_other_or_an_input_are_refused(string checkpoint)
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, ["train", "t.txt", .. Small, "--checkpoint", checkpoint]);
        Sample.AssertOneLineError(r, 2, checkpoint);
        Assert.Contains("same file", r.Error, StringComparison.Ordinal);
        AssertNothingChanged(folder, before);
    }

    // ---------------------------------------------------------------- 8. bounded resources

    [Fact]
    public void Lanes_whose_window_overflows_are_refused_at_once()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--shape", "small", "--batch", "130150528", "--epochs", "1");
        Sample.AssertOneLineError(r, 2, "--batch 130150528");
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"{clock.Elapsed}");
    }

    [Fact]
    public void A_checkpoint_that_records_too_many_lanes_is_refused_at_once()
    {
        using var folder = new TempFolder();
        ForgedCheckpoint(folder, "lanes.safetensors", new() { ["rnngen.sample.lanes"] = "130150528" });
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--resume", "lanes.safetensors", "--epochs", "1");
        Sample.AssertOneLineError(r, 2, "130,150,528 lanes");
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"{clock.Elapsed}");
    }

    [Fact]
    public async Task Devices_and_pipes_are_not_read()
    {
        if (!File.Exists("/dev/zero")) return;
        using var folder = new TempFolder();
        Sample.AssertOneLineError(Sample.Run(folder.Path, "train", "/dev/zero"), 1, "not a regular file");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "sample", "--checkpoint", "/dev/zero"), 1, "not a regular file");
        string fifo = folder.File("fifo");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        // A FIFO blocks its reader until a writer opens it: run each in the background with a deadline.
        foreach (string[] args in new[] { new[] { "train", "fifo" }, new[] { "sample", "--checkpoint", "fifo" } })
        {
            Task<RunResult> run = Task.Run(() => Sample.Run(folder.Path, args));
            Task first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.True(first == run, $"{args[0]} blocked on a FIFO");
            Sample.AssertOneLineError(await run, 1, "not a regular file");
        }
    }

    /// <summary>Makes a FIFO at <paramref name="path"/>; false (and says why) where <c>mkfifo</c> is not available.</summary>
    private static bool MakeFifo(string path)
    {
        try
        {
            using var mk = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
            mk.WaitForExit();
            if (mk.ExitCode == 0) return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        Console.Error.WriteLine($"skipped: mkfifo is not available, so no FIFO at {path} was tested.");
        return false;
    }

    /// <summary>Runs the sample with a deadline: a run blocked on <paramref name="fifo"/> fails the test (and is released by opening the FIFO's other end).</summary>
    private static async Task<RunResult> RunWithDeadline(string folder, string fifo, params string[] args)
    {
        Task<RunResult> run = Task.Run(() => Sample.Run(folder, args));
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))) != run)
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { } // the blocked reader gets end of file
            Assert.Fail($"{string.Join(' ', args)} blocked on the FIFO {fifo}");
        }
        return await run;
    }

    [Fact]
    public async Task A_FIFO_or_a_device_as_an_output_path_is_refused_without_opening_it()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        if (File.Exists("/dev/null"))
        {
            RunResult dev = Sample.Run(folder.Path, ["train", "t.txt", .. Small, "--checkpoint", "/dev/null"]);
            Sample.AssertOneLineError(dev, 2, "/dev/null is empty or not a regular file");
        }
        Directory.CreateDirectory(folder.File("output"));
        if (!MakeFifo(folder.File("checkpoint.fifo")) || !MakeFifo(folder.File("output/loss-curve.png"))) return;
        RunResult checkpoint = await RunWithDeadline(folder.Path, folder.File("checkpoint.fifo"), ["train", "t.txt", .. Small, "--checkpoint", "checkpoint.fifo"]);
        Sample.AssertOneLineError(checkpoint, 2, "checkpoint.fifo is empty or not a regular file");
        Assert.DoesNotContain("Evaluating", checkpoint.Out, StringComparison.Ordinal); // refused before training
        RunResult plot = await RunWithDeadline(folder.Path, folder.File("output/loss-curve.png"), ["train", "t.txt", .. Small]);
        Sample.AssertOneLineError(plot, 2, "loss-curve.png is empty or not a regular file");
        // (No snapshot: reading the FIFOs to hash them would block.)
        Assert.Equal(["checkpoint.fifo", "output/loss-curve.png", "t.txt"], Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder.Path, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lengths_are_bounded_with_a_message()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        Sample.AssertOneLineError(Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--length", "2147483647"), 2, "--length");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "train", "--length", "2147483647"), 2, "--length");
        RunResult graph = Sample.Run(folder.Path, "graph", "--steps-shown", "2147483647");
        Sample.AssertOneLineError(graph, 2, "--steps-shown");
    }

    [Fact]
    public void Long_generation_shows_progress_on_stderr_and_leaves_stdout_unchanged()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        int longLength = Text.TextGenerator.ProgressThreshold + 5_000;
        RunResult shortRun = Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--length", "3000", "--seed", "3");
        RunResult longRun = Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--length", longLength.ToString(CultureInfo.InvariantCulture), "--seed", "3");
        Assert.True(shortRun.ExitCode == 0 && longRun.ExitCode == 0, shortRun.Error + longRun.Error);
        // Below the threshold: the one summary line, no progress.
        Assert.Single(shortRun.ErrorLines);
        // Above it: progress lines on stderr (redirected: one per tenth) ...
        string[] progress = [.. longRun.ErrorLines.Where(l => l.Contains("characters generated", StringComparison.Ordinal))];
        Assert.True(progress.Length >= 10, longRun.Error);
        Assert.Contains(progress, l => l.Contains("100%", StringComparison.Ordinal) && l.Contains($"{longLength:N0} of {longLength:N0}", StringComparison.Ordinal));
        // ... and stdout is exactly the text: the same draws as the short run, then more, and nothing else.
        Assert.EndsWith("\n", longRun.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("characters generated", longRun.Out, StringComparison.Ordinal);
        Assert.StartsWith(shortRun.Out.TrimEnd('\n'), longRun.Out, StringComparison.Ordinal);
        Assert.Equal("the ".Length + longLength, longRun.Out.TrimEnd('\n').EnumerateRunes().Count());

        // The text generated at the end of train shows the same progress, also on stderr.
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        RunResult train = Sample.Run(folder.Path, ["train", "t.txt", "--shape", "small", "--batch", "16", "--epochs", "0.2", "--length", longLength.ToString(CultureInfo.InvariantCulture), "--output", "curves"]);
        Assert.True(train.ExitCode == 0, train.Error + train.Out);
        Assert.Contains($"{longLength:N0} of {longLength:N0} characters generated", train.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("characters generated", train.Out, StringComparison.Ordinal);
    }

    private static string ForgedCheckpoint(TempFolder folder, string name, Dictionary<string, string> metadata)
    {
        using var model = new SmallCharModel(1);
        var all = new Dictionary<string, string>
        {
            [CharCheckpoint.ShapeKey] = "small",
            [CharCheckpoint.AlphabetKey] = "\n .abcdefghijklmnoprstuwy",
            [CharCheckpoint.PromptKey] = "the ",
            ["rnngen.sample.written_by"] = "RnnGen.Sample",
        };
        foreach (var kv in metadata) all[kv.Key] = kv.Value;
        string path = folder.File(name);
        Safetensors.Save(model, path, all);
        return path;
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("-0.001")]
    [InlineData("0")]
    [InlineData("1e39")] // beyond float: infinite once read
    [InlineData("fast")]
    public void A_checkpoint_learning_rate_that_is_not_a_positive_number_is_one_line_naming_it(string rate)
    {
        using var folder = new TempFolder();
        string text = File.ReadAllText(trained.TextPath);
        folder.Write("t.txt", text);
        ForgedCheckpoint(folder, "lr.safetensors", new()
        {
            [CharCheckpoint.AlphabetKey] = Text.Alphabet.FromText(text, 128, "t").Symbols,
            ["rnngen.sample.learning_rate"] = rate,
        });
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--resume", "lr.safetensors", "--epochs", "0.2", "--length", "1", "--output", "curves");
        Sample.AssertOneLineError(r, 1, $"rnngen.sample.learning_rate is \"{rate}\"");
        AssertNothingChanged(folder, before);
        // --lr overrides the recorded rate, so the checkpoint still resumes with one.
        RunResult overridden = Sample.Run(folder.Path, "train", "t.txt", "--resume", "lr.safetensors", "--epochs", "0.2", "--length", "1", "--output", "curves", "--lr", "0.002");
        Assert.True(overridden.ExitCode == 0, overridden.Error + overridden.Out);
    }

    [Fact]
    public void Huge_metadata_strings_are_refused_quickly()
    {
        using var folder = new TempFolder();
        ForgedCheckpoint(folder, "big.safetensors", new() { [CharCheckpoint.PromptKey] = new string('a', 10_000_000) });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "big.safetensors", "--length", "5");
        Sample.AssertOneLineError(r, 1, CharCheckpoint.PromptKey);
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"{clock.Elapsed}");
    }

    // ---------------------------------------------------------------- 11. small messages

    [Fact]
    public void A_non_numeric_validation_figure_is_not_an_unexpected_error()
    {
        using var folder = new TempFolder();
        ForgedCheckpoint(folder, "m.safetensors", new() { ["rnngen.sample.validation_bits_per_char"] = "abc" });
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "m.safetensors", "--length", "5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.DoesNotContain("unexpected", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1e30, "1E+30")]
    [InlineData(1e-30, "1E-30")]
    [InlineData(0.006, "0.006")]
    [InlineData(2, "2")]
    [InlineData(0.7, "0.7")]
    [InlineData(0, "0")]
    public void Numbers_are_shown_sensibly(double value, string shown) => Assert.Equal(shown, TrainingRun.Fmt(value));

    [Fact]
    public void A_tiny_temperature_is_not_reported_as_zero()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--temperature", "1e-30", "--length", "5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("temperature 1E-30", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_without_spaces_trains_with_a_default_prompt_it_can_read()
    {
        using var folder = new TempFolder();
        folder.Write("nospace.txt", Sample.TinyText(14_000).Replace(" ", "_", StringComparison.Ordinal));
        RunResult r = Sample.Run(folder.Path, ["train", "nospace.txt", .. Small]);
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
    }
}
