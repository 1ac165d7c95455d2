using System.Globalization;
using RnnGen.Checkpoints;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Models;
using RnnGen.Sample.Translate;

namespace RnnGen.Sample.Tests;

/// <summary>The date generator and the formats: deterministic, every string parses back by its format's rule, one meaning per string.</summary>
public class DateDataTests
{
    private static IEnumerable<DateOnly> EveryDate()
    {
        for (int d = DateData.First.DayNumber; d <= DateData.Last.DayNumber; d++) yield return DateOnly.FromDayNumber(d);
    }

    [Fact]
    public void The_same_seed_gives_the_same_dates_and_another_seed_others()
    {
        List<DateExample> a = new DateGenerator(5, heldOut: false).Take(500);
        List<DateExample> b = new DateGenerator(5, heldOut: false).Take(500);
        List<DateExample> c = new DateGenerator(6, heldOut: false).Take(500);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(e => e.Text), c.Select(e => e.Text));
    }

    [Fact]
    public void Every_generated_string_parses_back_to_its_date_by_its_own_format()
    {
        foreach (DateExample e in new DateGenerator(1, heldOut: false).Take(5000).Concat(new DateGenerator(2, heldOut: true).Take(2000)))
        {
            Assert.Equal(e.Date, e.Format.Parse(e.Text));
            Assert.InRange(e.Text.Length, 1, DateData.Steps);
            Assert.InRange(e.Date, DateData.First, DateData.Last);
            Assert.All(e.Text, ch => Assert.True(DateData.SourceId(ch) > 0, $"'{ch}' of \"{e.Text}\" is not in the alphabet"));
        }
    }

    [Fact]
    public void Every_format_round_trips_every_date_it_writes_and_Steps_is_the_longest_source()
    {
        int longest = 0;
        foreach (DateFormat format in DateFormat.All)
        {
            foreach (DateOnly date in EveryDate().Where((_, i) => i % 7 == 0 || i % 31 == 3).Where(format.Covers))
            {
                string text = format.Render(date);
                Assert.Equal(date, format.Parse(text));
                Assert.Equal(date, format.Parse(text.ToUpperInvariant()));
                Assert.Equal(date, format.Parse(text.ToLowerInvariant()));
            }
        }
        foreach (DateFormat format in DateFormat.All)
            foreach (DateOnly date in EveryDate().Where(format.Covers))
                longest = Math.Max(longest, format.Render(date).Length);
        Assert.Equal(DateData.Steps, longest);
        Assert.Equal(DateData.SourceVocabulary, DateData.SourceAlphabet.Length + 1);
        Assert.Equal(DateData.SourceAlphabet.Length, DateData.SourceAlphabet.Distinct().Count());
    }

    [Fact]
    public void Weekdays_are_right_and_a_wrong_weekday_or_suffix_does_not_parse()
    {
        DateFormat us = DateFormat.All.Single(f => f.Name == "us-weekday");
        DateFormat uk = DateFormat.All.Single(f => f.Name == "uk-weekday");
        DateFormat fr = DateFormat.All.Single(f => f.Name == "fr-weekday");
        Assert.Equal("Sunday, March 3 2019", us.Render(new DateOnly(2019, 3, 3)));
        Assert.Equal("Wednesday the 23rd of September, 2099", uk.Render(new DateOnly(2099, 9, 23)));
        Assert.Equal("lundi 1 janvier 1900", fr.Render(new DateOnly(1900, 1, 1))); // 1 January 1900 was a Monday
        Assert.Null(us.Parse("Monday, March 3 2019"));
        Assert.Null(uk.Parse("Sunday the 3th of March, 2019"));
        Assert.Equal(new DateOnly(2019, 3, 3), uk.Parse("SUNDAY THE 3RD OF MARCH, 2019"));
        foreach (DateExample e in new DateGenerator(3, heldOut: false).Take(3000).Where(e => e.Format.Pattern.Contains("{Weekday}", StringComparison.Ordinal) || e.Format.Pattern.Contains("{Wkd}", StringComparison.Ordinal)))
            Assert.StartsWith(e.Date.DayOfWeek.ToString()[..3], e.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("the 3rd of March 2019", 2019, 3, 3)]
    [InlineData("March 3, 2019", 2019, 3, 3)]
    [InlineData("3 March 2019", 2019, 3, 3)]
    [InlineData("03/03/19", 2019, 3, 3)]
    [InlineData("3.3.2019", 2019, 3, 3)]
    [InlineData("3 mars 2019", 2019, 3, 3)]
    [InlineData("3-Mar-19", 2019, 3, 3)]
    [InlineData("20190303", 2019, 3, 3)]
    [InlineData("12/01/50", 1950, 12, 1)]
    [InlineData("3 de marzo de 2019", 2019, 3, 3)]
    [InlineData("3. Maerz 2019", 2019, 3, 3)]
    [InlineData("4/5/2019", 2019, 4, 5)]
    [InlineData("04.05.19", 2019, 5, 4)]
    public void Examples_of_the_brief_mean_one_date(string text, int year, int month, int day)
    {
        var meanings = DateFormat.All.Select(f => f.Parse(text)).OfType<DateOnly>().Distinct().ToList();
        Assert.Equal([new DateOnly(year, month, day)], meanings);
    }

    [Fact]
    public void No_string_means_two_dates()
    {
        // Every string written for a date parses to that date in every format that reads it: US slashes, German dots and
        // day-first dashes never meet, and two-digit years are only written for 1950–2049.
        foreach (DateExample e in new DateGenerator(4, heldOut: false).Take(4000))
            foreach (DateFormat f in DateFormat.All)
                if (f.Parse(e.Text) is { } other) Assert.Equal(e.Date, other);
    }

    [Fact]
    public void Held_out_dates_are_never_trained_on()
    {
        Assert.All(new DateGenerator(1, heldOut: false).Take(3000), e => Assert.False(DateData.IsHeldOutDate(e.Date)));
        Assert.All(new DateGenerator(1, heldOut: true).Take(1000), e => Assert.True(DateData.IsHeldOutDate(e.Date)));
        double share = EveryDate().Count(DateData.IsHeldOutDate) / (double)(DateData.Last.DayNumber - DateData.First.DayNumber + 1);
        Assert.InRange(share, 0.09, 0.11);
    }

    [Fact]
    public void Iso_targets_round_trip_with_the_end_token()
    {
        foreach (DateExample e in new DateGenerator(7, heldOut: true).Take(500))
        {
            int[] ids = DateData.EncodeTarget(e.Iso);
            Assert.Equal(DateData.OutputSteps, ids.Length);
            Assert.Equal(DateData.EndId, ids[^1]);
            Assert.All(ids[..^1], id => Assert.InRange(id, 0, DateData.TargetAlphabet.Length - 1));
            Assert.Equal(e.Iso, DateData.DecodeTarget(ids));
            Assert.Equal(e.Date, DateOnly.ParseExact(DateData.DecodeTarget(ids), "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        Assert.Equal("2019-03", DateData.DecodeTarget([2, 0, 1, 9, 10, 0, 3, DateData.EndId, 1, 1, 1]));
        Assert.Equal(DateData.TargetClasses, DateData.TargetAlphabet.Length + 1);
        Assert.Throws<ArgumentException>(() => DateData.EncodeTarget("2019/03/03"));
    }

    [Fact]
    public void A_batch_is_time_major_padded_with_lengths()
    {
        List<DateExample> examples = new DateGenerator(8, heldOut: false).Take(DateData.Batch + 5);
        var tokens = new int[DateData.Steps * DateData.Batch];
        var targets = new int[DateData.OutputSteps * DateData.Batch];
        var sources = new int[DateData.Batch];
        var lengths = new int[DateData.Batch];
        Assert.Equal(5, DateData.Encode(examples, DateData.Batch, tokens, targets, sources, lengths));
        for (int b = 0; b < DateData.Batch; b++)
        {
            DateExample? e = b < 5 ? examples[DateData.Batch + b] : null;
            Assert.Equal(e?.Text.Length ?? 0, sources[b]);
            Assert.Equal(e is null ? 0 : DateData.OutputSteps, lengths[b]);
            for (int t = 0; t < DateData.Steps; t++)
                Assert.Equal(e is not null && t < e.Text.Length ? DateData.SourceId(e.Text[t]) : DateData.Pad, tokens[t * DateData.Batch + b]);
        }
        Assert.Equal(0, DateData.Bucket(10));
        Assert.Equal(1, DateData.Bucket(11));
        Assert.Equal(4, DateData.Bucket(26));
        Assert.Equal(4, DateData.Bucket(DateData.Steps));
    }

    [Fact]
    public void The_two_models_differ_only_in_attention()
    {
        Assert.Equal(DateAttentionModel.Steps, DatePlainModel.Steps);
        Assert.Equal(DateAttentionModel.OutputSteps, DatePlainModel.OutputSteps);
        Assert.Equal(DateData.EndId, DateAttentionModel.EndToken);
        var plain = DatePlainModel.Tensors.Select(t => t.Name).ToHashSet();
        Assert.All(plain, name => Assert.Contains(DateAttentionModel.Tensors, t => t.Name == name));
        Assert.All(DateAttentionModel.Tensors.Where(t => !plain.Contains(t.Name)), t => Assert.Contains("attention", t.Name, StringComparison.Ordinal));
    }
}

/// <summary>One short <c>translate</c> run (a few seconds, 200 held-out dates), shared by the smoke tests.</summary>
public sealed class TranslateRunFixture : IDisposable
{
    public TranslateRunFixture()
    {
        Folder = new TempFolder();
        Result = Sample.Run(Folder.Path, "translate", "--seconds", "30", "--max-steps", "40", "--test-size", "200", "--seed", "2");
    }

    public TempFolder Folder { get; }

    public RunResult Result { get; }

    public string File(string name) => Folder.File(Path.Combine("output", name));

    public void Dispose() => Folder.Dispose();
}

/// <summary><c>translate</c> end to end with a 40-step budget per model.</summary>
public class TranslateSmokeTests(TranslateRunFixture run) : IClassFixture<TranslateRunFixture>
{
    [Fact]
    public void Prints_the_table_by_length_bucket_and_examples()
    {
        RunResult r = run.Result;
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Equal("", r.Error);
        Assert.Contains("Exact-match accuracy on 200 held-out dates", r.Out, StringComparison.Ordinal);
        Assert.Contains("\n  decoding  attention       ≤ 10    11–15    16–20    21–25     > 25      all\n", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n  greedy    attention (\s+(\d+\.\d%|–)){6}\n", r.Out);
        Assert.Matches(@"\n  greedy    none      (\s+(\d+\.\d%|–)){6}\n", r.Out);
        Assert.Matches(@"\n  dates\s+([\d,]+\s+){5}200\n", r.Out);
        Assert.Contains("Held-out dates, greedy decoding", r.Out, StringComparison.Ordinal);
        Assert.Matches("\\n  \".+\" +→ attention: \\S* +[✓✗] +none: \\S* +[✓✗]\\n", r.Out);
        Assert.Contains("40 steps", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_the_csv_the_png_and_both_checkpoints()
    {
        string csv = System.IO.File.ReadAllText(run.File(TranslateRun.CsvFile));
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(OutputFiles.IsOurs(run.File(TranslateRun.CsvFile), OutputFiles.Kind.Text));
        Assert.Equal("decoding,attention,bucket,min_chars,max_chars,correct,total,accuracy", lines[1]);
        // Every strategy (greedy, beam) × model × bucket (and all).
        Assert.Equal(DecodingStrategies.All.Count * 2 * (DateData.Buckets.Count + 1), lines.Length - 2);
        foreach (string decoding in new[] { "greedy", $"beam {DecodingStrategies.BeamWidth}" })
        {
            Assert.Contains(lines, l => l.StartsWith($"{decoding},attention,all,0,37,", StringComparison.Ordinal) && l.Contains(",200,", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith($"{decoding},none,all,0,37,", StringComparison.Ordinal));
        }

        byte[] png = System.IO.File.ReadAllBytes(run.File(TranslateRun.PngFile));
        Assert.True(OutputFiles.IsOurs(run.File(TranslateRun.PngFile), OutputFiles.Kind.Png));
        Assert.Equal((AttentionPlot.Width, AttentionPlot.Height), PngTests.Size(png));

        foreach ((string file, string shape) in new[] { (TranslateRun.AttentionCheckpointFile, TranslateRun.AttentionShape), (TranslateRun.PlainCheckpointFile, TranslateRun.PlainShape) })
        {
            SafetensorsHeader header = Safetensors.ReadHeader(run.File(file));
            Assert.Equal(shape, header.Metadata[CharCheckpoint.ShapeKey]);
            Assert.Equal(DateData.SourceAlphabet, header.Metadata[CharCheckpoint.AlphabetKey]);
            Assert.Equal(DateData.TargetAlphabet, header.Metadata["rnngen.sample.target_alphabet"]);
            Assert.Equal("40", header.Metadata["rnngen.sample.steps_trained"]);
        }
    }

    [Fact]
    public void The_attention_checkpoint_loads_and_decodes_what_was_scored()
    {
        using var model = new DateAttentionModel(seed: 999);
        Safetensors.Load(model, run.File(TranslateRun.AttentionCheckpointFile));
        List<DateExample> test = new DateGenerator(TranslateRun.TestSeed(2), heldOut: true).Take(200);
        (BucketScore score, _) = TranslateRun.Score(model, TranslateRun.AttentionLabel, DecodingStrategies.Greedy, test);
        string csv = System.IO.File.ReadAllText(run.File(TranslateRun.CsvFile));
        Assert.Contains($"greedy,attention,all,0,37,{score.AllCorrect},200,", csv, StringComparison.Ordinal);
        (BucketScore beam, _) = TranslateRun.Score(model, TranslateRun.AttentionLabel, DecodingStrategies.Beam, test);
        Assert.Contains($"beam {DecodingStrategies.BeamWidth},attention,all,0,37,{beam.AllCorrect},200,", csv, StringComparison.Ordinal);
        // The weights of a free-running pass: each row sums to 1 over the lane's source and is 0 past it.
        var weights = AttentionPlot.Weights(model, TranslateRun.HeatMapExamples(test));
        Assert.Equal(4, weights.Length);
        ReadOnlySpan<float> a = model.AttentionWeights;
        int length = weights[0].Text.Length;
        float sum = 0;
        for (int s = 0; s < DateData.Steps; s++)
        {
            if (s < length) sum += a[s];
            else Assert.Equal(0f, a[s]);
        }
        Assert.Equal(1f, sum, 4);
    }

    [Fact]
    public void Bad_options_are_one_line_errors()
    {
        using var folder = new TempFolder();
        Sample.AssertOneLineError(Sample.Run(folder.Path, "translate", "--seconds", "0"), SampleApp.ExitUsage, "--seconds must be positive");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "translate", "--seconds", "1e9"), SampleApp.ExitUsage, "--seconds must be at most 86,400");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "translate", "--test-size", "-3"), SampleApp.ExitUsage, "--test-size must be positive");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "translate", "--test-size", "100001"), SampleApp.ExitUsage, "--test-size must be at most 100,000");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "translate", "--max-steps", "0"), SampleApp.ExitUsage, "--max-steps must be positive");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "translate", "--seconds", "soon"), SampleApp.ExitUsage, "soon");
        Sample.AssertOneLineError(Sample.Run(folder.Path, "translate", "--beam", "4"), SampleApp.ExitUsage, "--beam");
        Assert.False(Directory.Exists(folder.File("output")));
    }

    [Fact]
    public void A_foreign_file_in_the_way_is_not_overwritten_and_nothing_is_trained()
    {
        using var folder = new TempFolder();
        folder.Write(Path.Combine("output", TranslateRun.CsvFile), "my own numbers\n");
        RunResult r = Sample.Run(folder.Path, "translate", "--max-steps", "1");
        Sample.AssertOneLineError(r, SampleApp.ExitFailure, "refusing to overwrite output/" + TranslateRun.CsvFile);
        Assert.Equal("", r.Out);
        Assert.Equal("my own numbers\n", System.IO.File.ReadAllText(folder.File(Path.Combine("output", TranslateRun.CsvFile))));
        Assert.False(System.IO.File.Exists(folder.File(Path.Combine("output", TranslateRun.AttentionCheckpointFile))));
    }
}
