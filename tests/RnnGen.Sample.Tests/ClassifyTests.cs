using System.Globalization;
using System.Text.RegularExpressions;
using RnnGen.Checkpoints;
using RnnGen.Sample.Classify;
using RnnGen.Sample.Models;

namespace RnnGen.Sample.Tests;

/// <summary>One short <c>classify</c> run (one epoch, seed 1), shared by the smoke tests.</summary>
public sealed class ClassifyRunFixture : IDisposable
{
    public ClassifyRunFixture()
    {
        Folder = new TempFolder();
        Result = Sample.Run(Folder.Path, "classify", "--epochs", "1", "--seed", "1");
    }

    public TempFolder Folder { get; }

    public RunResult Result { get; }

    public string Checkpoint => Folder.File(Path.Combine("output", ClassifyRun.CheckpointFile));

    public string Png => Folder.File(Path.Combine("output", ClassifyRun.PngFile));

    public void Dispose() => Folder.Dispose();
}

/// <summary><c>classify</c> end to end with a one-epoch budget (about 250 steps per run, a few seconds).</summary>
public class ClassifySmokeTests(ClassifyRunFixture run) : IClassFixture<ClassifyRunFixture>
{
    private static readonly Regex AccuracyLine = new(@"^  (?<label>.+?)\s+accuracy\s+(?<pct>\d+\.\d\d)%  \((?<correct>[\d,]+) / (?<total>[\d,]+)\)", RegexOptions.Multiline);

    private static Dictionary<string, double> Accuracies(string output)
        => AccuracyLine.Matches(output).ToDictionary(m => m.Groups["label"].Value, m => double.Parse(m.Groups["pct"].Value, CultureInfo.InvariantCulture));

    [Fact]
    public void Prints_both_accuracies_above_chance()
    {
        RunResult r = run.Result;
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Equal("", r.Error);
        Dictionary<string, double> accuracy = Accuracies(r.Out);
        Assert.Equal(new[] { ClassifyRun.PaddedLabel, LengthsPath.Label }, accuracy.Keys.ToArray());
        // Chance is 25 %; one epoch reaches about 80 % (seed 1). 50 % leaves a wide margin and is far above chance.
        Assert.True(accuracy[ClassifyRun.PaddedLabel] > 50, r.Out);
        Assert.True(accuracy[LengthsPath.Label] > 50, r.Out);
        Assert.Contains("(2,000 words never trained on; chance 25.0%)", r.Out, StringComparison.Ordinal);
        Assert.Contains("percentage points", r.Out, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix, " + ClassifyRun.PaddedLabel, r.Out, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix, " + LengthsPath.Label, r.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n  English\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\.\d%\n", r.Out);
    }

    [Fact]
    public void Writes_a_confusion_png_of_the_expected_size()
    {
        byte[] png = File.ReadAllBytes(run.Png);
        Assert.True(png.AsSpan().StartsWith(Plotting.PngText.Signature));
        Assert.True(Commands.OutputFiles.IsOurs(run.Png, Commands.OutputFiles.Kind.Png));
        (int width, int height) = PngTests.Size(png);
        Assert.Equal((ConfusionPlot.Width(LangIdData.Classes, 2), ConfusionPlot.Height(LangIdData.Classes)), (width, height));
        Assert.Equal((1056, 558), (width, height));
    }

    [Fact]
    public void The_checkpoint_loads_and_scores_what_was_printed()
    {
        SafetensorsHeader header = Safetensors.ReadHeader(run.Checkpoint);
        Assert.Equal(ClassifyRun.ShapeName, header.Metadata[CharCheckpoint.ShapeKey]);
        Assert.Equal("en,es,nl,pl", header.Metadata["rnngen.sample.classes"]);
        LangIdData data = LangIdData.Load(LangIdData.BundledPath, "bundled");
        Assert.Equal(data.Symbols, header.Metadata[CharCheckpoint.AlphabetKey]);

        using var model = new LangIdModel(seed: 12345); // other weights until loaded
        Safetensors.Load(model, run.Checkpoint);
        (int[,] confusion, _) = ClassifyRun.Evaluate(model, data, useLengthsPath: true);
        int correct = Enumerable.Range(0, LangIdData.Classes).Sum(k => confusion[k, k]);
        double printed = Accuracies(run.Result.Out)[LengthsPath.Label];
        Assert.Equal(printed, Math.Round(100.0 * correct / data.HeldOut.Count, 2), 2);
        Assert.Equal(double.Parse(header.Metadata["rnngen.sample.heldout_accuracy"], CultureInfo.InvariantCulture), (double)correct / data.HeldOut.Count, 12);
    }

    [Fact]
    public void The_same_seed_gives_the_same_accuracies()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        RunResult first = Sample.Run(a.Path, "classify", "--epochs", "0.2", "--seed", "3");
        RunResult second = Sample.Run(b.Path, "classify", "--epochs", "0.2", "--seed", "3");
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Error + second.Error);
        string Lines(string output) => string.Join("\n", AccuracyLine.Matches(output).Select(m => m.Value));
        Assert.Equal(Lines(first.Out), Lines(second.Out));
        Assert.Equal(2, AccuracyLine.Matches(first.Out).Count);
    }

    [Fact]
    public void Bad_data_is_one_line_and_writes_nothing()
    {
        using var folder = new TempFolder();
        folder.Write("words.tsv", "en\tcat\nxx\tdog\n");
        RunResult r = Sample.Run(folder.Path, "classify", "--data", "words.tsv", "--epochs", "0.1");
        Sample.AssertOneLineError(r, SampleApp.ExitFailure, "words.tsv:2: unknown language code 'xx'");
        Assert.False(Directory.Exists(folder.File("output")));
    }

    [Fact]
    public void Epochs_must_be_positive_and_bounded()
    {
        using var folder = new TempFolder();
        Sample.AssertOneLineError(Sample.Run(folder.Path, "classify", "--epochs", "0"), SampleApp.ExitUsage, "--epochs must be positive");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "classify", "--epochs", "1e9"), SampleApp.ExitUsage, "--epochs must be at most 10,000");
    }
}

/// <summary>The bundled words: every line parsed, classes balanced, the held-out split fixed and disjoint, batches encoded as documented.</summary>
public class LangIdDataTests
{
    private static readonly LangIdData Bundled = LangIdData.Load(LangIdData.BundledPath, "bundled");

    [Fact]
    public void Every_bundled_line_is_a_parsed_word()
    {
        string[] lines = File.ReadAllLines(LangIdData.BundledPath);
        Assert.Equal(10_000, lines.Length);
        Assert.Equal(lines.Length, Bundled.All.Count);
        for (int i = 0; i < lines.Length; i++)
            Assert.Equal(lines[i], LangIdData.Codes[Bundled.All[i].Language] + "\t" + Bundled.All[i].Word);
        Assert.All(Bundled.All, w => Assert.InRange(w.Word.Length, 3, LangIdData.Steps));
        Assert.Equal(Bundled.All.Count, Bundled.All.Select(w => w.Word).Distinct(StringComparer.Ordinal).Count()); // no word under two languages
        Assert.Equal(46, Bundled.Symbols.Length);
        Assert.True(Bundled.Symbols.Length < LangIdData.Vocabulary);
    }

    [Fact]
    public void Classes_are_balanced_in_the_file_and_in_both_parts()
    {
        Assert.Equal(new[] { 2500, 2500, 2500, 2500 }, LangIdData.CountPerClass(Bundled.All));
        Assert.Equal(new[] { 2000, 2000, 2000, 2000 }, LangIdData.CountPerClass(Bundled.Train));
        Assert.Equal(new[] { 500, 500, 500, 500 }, LangIdData.CountPerClass(Bundled.HeldOut));
    }

    [Fact]
    public void The_held_out_split_is_disjoint_complete_and_fixed()
    {
        var train = Bundled.Train.ToHashSet();
        Assert.DoesNotContain(Bundled.HeldOut, train.Contains);
        Assert.Equal(Bundled.All.Count, train.Count + Bundled.HeldOut.Count);
        Assert.True(Bundled.All.ToHashSet().SetEquals(train.Concat(Bundled.HeldOut)));
        LangIdData again = LangIdData.Load(LangIdData.BundledPath, "bundled");
        Assert.Equal(Bundled.HeldOut, again.HeldOut);
        // Not simply the first or last words of each language.
        Assert.NotEqual(Bundled.All.Where(w => w.Language == 0).Take(500), Bundled.HeldOut.Where(w => w.Language == 0));
    }

    [Fact]
    public void A_batch_is_time_major_padded_with_lengths_and_empty_lanes()
    {
        LangIdData data = LangIdData.Parse("en\tcat\nes\tñandú\nen\tdog\nes\tsol\nnl\tgat\nnl\tdal\npl\tlot\npl\tsad\n", "t");
        var tokens = new int[LangIdData.Steps * LangIdData.Batch];
        var targets = new int[LangIdData.Batch];
        var lengths = new int[LangIdData.Batch];
        LabelledWord[] words = [new(0, "cat"), new(1, "ñandú")];
        int real = data.Encode(words, [1, 0], 0, tokens, targets, lengths);
        Assert.Equal(2, real);
        Assert.Equal(new[] { 5, 3 }, lengths[..2]);
        Assert.Equal(new[] { 1, 0 }, targets[..2]);
        Assert.All(lengths[2..], l => Assert.Equal(0, l));
        int At(int t, int b) => tokens[t * LangIdData.Batch + b];
        Assert.Equal(data.Id('ñ'), At(0, 0));
        Assert.Equal(data.Id('ú'), At(4, 0));
        Assert.Equal(LangIdData.Pad, At(5, 0));
        Assert.Equal(data.Id('t'), At(2, 1));
        Assert.Equal(LangIdData.Pad, At(3, 1));
        Assert.All(Enumerable.Range(0, LangIdData.Steps), t => Assert.Equal(LangIdData.Pad, At(t, 2)));

        Assert.Equal("acdglnostñú", data.Symbols);
        Assert.Equal(1, data.Id('a'));
    }

    [Fact]
    public void The_lengths_path_reads_each_word_up_to_its_length_and_the_padded_one_reads_the_pads()
    {
        LangIdData data = Bundled;
        var tokens = new int[LangIdData.Steps * LangIdData.Batch];
        var targets = new int[LangIdData.Batch];
        var lengths = new int[LangIdData.Batch];
        int[] order = [.. Enumerable.Range(0, 20)]; // 20 real lanes, 12 of length 0
        data.Encode(data.HeldOut, order, 0, tokens, targets, lengths);
        using var model = new LangIdModel(seed: 5);

        LengthsPath.Forward(model, tokens, lengths);
        Assert.Equal(lengths, model.Lengths.ToArray());
        float[] withLengths = model.Output.ToArray();
        model.Forward(tokens);
        float[] padded = model.Output.ToArray();

        // Overwrite every step at or past each lane's length: the lengths path does not see it, the padded path does.
        int[] changed = (int[])tokens.Clone();
        for (int b = 0; b < LangIdData.Batch; b++)
            for (int t = lengths[b]; t < LangIdData.Steps; t++) changed[t * LangIdData.Batch + b] = data.Id('z');
        LengthsPath.Forward(model, changed, lengths);
        Assert.Equal(withLengths.AsSpan(0, 20 * LangIdData.Classes).ToArray(), model.Output[..(20 * LangIdData.Classes)].ToArray());
        model.Forward(changed);
        Assert.NotEqual(padded, model.Output.ToArray());
    }

    [Theory]
    [InlineData("en\tcat\nde\thund\n", "t:2: unknown language code 'de'")]
    [InlineData("en cat\n", "t:1: expected 'code<TAB>word'")]
    [InlineData("en\tcat\nes\tsuperextraordinariamente\n", "t:2: a word must have 1 to 16 letters")]
    [InlineData("en\tcat's\n", "t:1: 'cat's' holds ''' (U+0027), which is not a letter")]
    [InlineData("en\t\n", "t:1: a word must have 1 to 16 letters")]
    [InlineData("en\tcat\nen\tdog\nes\tsol\nes\tluna\nnl\thond\nnl\tkat\npl\tkot\n", "t has 1 Polish words")]
    public void Bad_lines_are_named(string text, string fragment)
    {
        var ex = Assert.Throws<SampleException>(() => LangIdData.Parse(text, "t"));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
