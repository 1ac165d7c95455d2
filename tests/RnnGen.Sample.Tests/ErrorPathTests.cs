using RnnGen.Sample.Models;

namespace RnnGen.Sample.Tests;

/// <summary>Bad input: each a one-line error on stderr, a non-zero exit code, no stack trace, and no file changed.</summary>
public class ErrorPathTests(TrainedCheckpoint trained) : IClassFixture<TrainedCheckpoint>
{
    private static void AssertNothingChanged(TempFolder folder, Dictionary<string, string> before)
    {
        Dictionary<string, string> after = folder.Snapshot();
        Assert.Equal(before.OrderBy(kv => kv.Key), after.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void A_damaged_optimizer_state_beside_a_resumed_checkpoint_is_an_error()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        byte[] state = File.ReadAllBytes(trained.OptimizerPath);
        state[^2] ^= 0x10;
        File.WriteAllBytes(folder.File("model.optimizer.safetensors"), state);
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--epochs", "1");
        Sample.AssertOneLineError(r, 1, "cannot resume the optimizer from model.optimizer.safetensors");
        Assert.Contains("delete it to start the optimizer afresh", r.Error, StringComparison.Ordinal);
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void An_optimizer_state_path_taken_by_a_foreign_file_is_not_overwritten()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", File.ReadAllText(trained.TextPath));
        folder.Write("mine.optimizer.safetensors", "my own notes");
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--shape", "small", "--checkpoint", "mine.safetensors", "--epochs", "1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("mine.optimizer.safetensors", r.Error, StringComparison.Ordinal);
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void The_fixture_trained()
    {
        Assert.True(trained.Training.ExitCode == 0, trained.Training.Error + trained.Training.Out);
        Assert.True(File.Exists(trained.Path));
    }

    [Fact]
    public void Missing_text_file()
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, "train", "nowhere.txt");
        Sample.AssertOneLineError(r, 1, "text file nowhere.txt not found");
        Assert.Empty(folder.Snapshot());
    }

    [Fact]
    public void Empty_text_file()
    {
        using var folder = new TempFolder();
        folder.Write("empty.txt", "");
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "empty.txt");
        Sample.AssertOneLineError(r, 1, "empty.txt is empty");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void A_folder_instead_of_a_text_file()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("texts"));
        RunResult r = Sample.Run(folder.Path, "train", "texts");
        Sample.AssertOneLineError(r, 1, "is a folder");
    }

    [Fact]
    public void Binary_or_non_UTF8_text()
    {
        using var folder = new TempFolder();
        folder.Write("latin1.bin", [0x48, 0xE9, 0xFF, 0xFE, 0x00, 0x41]);
        RunResult r = Sample.Run(folder.Path, "train", "latin1.bin");
        Sample.AssertOneLineError(r, 1, "is not UTF-8 text");
    }

    [Fact]
    public void Text_too_short_for_the_shape()
    {
        using var folder = new TempFolder();
        folder.Write("short.txt", "Just a few words.");
        RunResult r = Sample.Run(folder.Path, "train", "short.txt", "--shape", "small");
        Sample.AssertOneLineError(r, 1, "needs at least");
        Assert.Single(folder.Snapshot());
    }

    [Fact]
    public void Text_with_more_distinct_characters_than_the_vocabulary()
    {
        using var folder = new TempFolder();
        string text = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)(0x400 + i % 200)));
        folder.Write("cyrillic.txt", text);
        RunResult r = Sample.Run(folder.Path, "train", "cyrillic.txt", "--shape", "small");
        Sample.AssertOneLineError(r, 1, $"200 distinct characters but the models have room for {CharShapes.Vocabulary}");
    }

    [Fact]
    public void Missing_checkpoint()
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "none.safetensors");
        Sample.AssertOneLineError(r, 1, "checkpoint none.safetensors not found");
        Assert.Empty(folder.Snapshot());
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "8-byte header length")]
    [InlineData(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)' ', (byte)' ', (byte)' ' }, "not valid JSON")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2 }, "impossible")]
    public void Corrupt_checkpoint_for_sample_and_resume(byte[] bytes, string fragment)
    {
        using var folder = new TempFolder();
        folder.Write("bad.safetensors", bytes);
        folder.Write("t.txt", Sample.TinyText(12_000));
        var before = folder.Snapshot();
        Sample.AssertOneLineError(Sample.Run(folder.Path, "sample", "--checkpoint", "bad.safetensors"), 1, fragment);
        Sample.AssertOneLineError(Sample.Run(folder.Path, "train", "t.txt", "--resume", "bad.safetensors"), 1, fragment);
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void Truncated_checkpoint_is_refused_and_left_alone()
    {
        using var folder = new TempFolder();
        byte[] whole = File.ReadAllBytes(trained.Path);
        folder.Write("cut.safetensors", whole[..(whole.Length - 100)]);
        folder.Write("t.txt", Sample.TinyText(12_000));
        var before = folder.Snapshot();
        Sample.AssertOneLineError(Sample.Run(folder.Path, "sample", "--checkpoint", "cut.safetensors"), 1, "cut.safetensors");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "train", "t.txt", "--resume", "cut.safetensors", "--epochs", "1"), 1, "cut.safetensors");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void Safetensors_file_not_written_by_the_sample()
    {
        using var folder = new TempFolder();
        using (var model = new SmallCharModel(1)) Safetensors.Save(model, folder.File("foreign.safetensors"));
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "foreign.safetensors");
        Sample.AssertOneLineError(r, 1, "not a checkpoint of this sample");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void Checkpoint_of_another_shape_is_refused_by_sample_and_by_resume()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        folder.Write("t.txt", Sample.TinyText(12_000));
        var before = folder.Snapshot();
        Sample.AssertOneLineError(Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--shape", "medium"), 1, "holds a 'small' model, not 'medium'");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "train", "t.txt", "--resume", "model.safetensors", "--shape", "large"), 1, "holds a 'small' model, not 'large'");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void Checkpoint_whose_tensors_do_not_fit_the_recorded_shape()
    {
        // A checkpoint that claims to be 'medium' but holds the small model's tensors (e.g. a shape redeclared since).
        using var folder = new TempFolder();
        using (var model = new SmallCharModel(1))
            Safetensors.Save(model, folder.File("liar.safetensors"), new Dictionary<string, string> { [CharCheckpoint.ShapeKey] = "medium", [CharCheckpoint.AlphabetKey] = "abc " });
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "liar.safetensors", "--prompt", "abc");
        Sample.AssertOneLineError(r, 1, "has shape");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void Checkpoint_of_a_shape_this_build_does_not_have()
    {
        using var folder = new TempFolder();
        using (var model = new SmallCharModel(1))
            Safetensors.Save(model, folder.File("future.safetensors"), new Dictionary<string, string> { [CharCheckpoint.ShapeKey] = "gigantic", [CharCheckpoint.AlphabetKey] = "ab" });
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "future.safetensors");
        Sample.AssertOneLineError(r, 1, "shape 'gigantic', which this build does not have");
    }

    [Fact]
    public void Prompt_with_characters_not_in_the_alphabet()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "sample", "--checkpoint", "model.safetensors", "--prompt", "Zebra Quiz 42");
        Sample.AssertOneLineError(r, 1, "characters the model has never seen: 'Z', 'Q', 'z', '4', '2'");
        Assert.Equal("", r.Out);
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void Resume_with_a_text_the_alphabet_does_not_cover_leaves_the_checkpoint_alone()
    {
        using var folder = new TempFolder();
        trained.CopyTo(folder);
        folder.Write("other.txt", Sample.TinyText(12_000).ToUpperInvariant());
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "other.txt", "--resume", "model.safetensors", "--epochs", "1");
        Sample.AssertOneLineError(r, 1, "characters the model has never seen");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void A_users_file_in_the_output_folder_is_never_overwritten()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", Sample.TinyText(12_000));
        folder.Write(Path.Combine("output", "loss-curve.png"), "my holiday picture");
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--shape", "small", "--batch", "16", "--epochs", "1");
        Sample.AssertOneLineError(r, 1, "refusing to overwrite output/loss-curve.png");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void A_users_file_as_checkpoint_path_is_never_overwritten()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", Sample.TinyText(12_000));
        folder.Write("notes.txt", "important");
        var before = folder.Snapshot();
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--shape", "small", "--batch", "16", "--epochs", "1", "--checkpoint", "notes.txt");
        Sample.AssertOneLineError(r, 1, "refusing to overwrite notes.txt");
        AssertNothingChanged(folder, before);
    }

    [Fact]
    public void Graph_output_must_be_an_svg_path_and_not_a_users_file()
    {
        using var folder = new TempFolder();
        folder.Write("mine.svg", "<svg/>");
        var before = folder.Snapshot();
        Sample.AssertOneLineError(Sample.Run(folder.Path, "graph", "--output", "mine.svg"), 1, "refusing to overwrite mine.svg");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "graph", "--output", "graph.txt"), 2, "must end in .svg");
        AssertNothingChanged(folder, before);
    }
}
