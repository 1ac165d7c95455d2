namespace RnnGen.Sample.Tests;

/// <summary>Parsing: help for every command, and every bad command line is one line on stderr with exit code 2.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData("--help", "train", "Model shapes")]
    [InlineData("train --help", "--resume", "medium (default)")]
    [InlineData("sample --help", "--temperature", "--checkpoint")]
    [InlineData("adding --help", "--minutes", "T = 50, 100 and 200")]
    [InlineData("graph --help", "--model", "--steps-shown")]
    [InlineData("bench --help", "--dry-run", "peers")]
    public void Help_describes_each_command(string args, string first, string second)
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, args.Split(' '));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.Out, StringComparison.Ordinal);
        Assert.Contains(first, r.Out, StringComparison.Ordinal);
        Assert.Contains(second, r.Out, StringComparison.Ordinal);
        Assert.Equal("", r.Error);
        Assert.Empty(folder.Snapshot());
    }

    [Fact]
    public void Train_help_lists_every_shape_with_its_size()
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, "train", "--help");
        foreach (Models.CharShape shape in Models.CharShapes.All)
            Assert.Contains($"{shape.Name}", r.Out, StringComparison.Ordinal);
        Assert.Contains("LSTM(256)", r.Out, StringComparison.Ordinal);
        Assert.Contains("parameters", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train --bogus", "--bogus")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("sample --length", "--length")]
    [InlineData("train --shape huge", "unknown shape 'huge'")]
    [InlineData("sample --shape huge", "unknown shape 'huge'")]
    [InlineData("train --batch -5", "--batch must be positive (got -5)")]
    [InlineData("train --batch 0", "--batch must be positive")]
    [InlineData("train --stride -1", "--stride must be positive")]
    [InlineData("train --minutes -2", "--minutes must be positive")]
    [InlineData("train --epochs 0", "--epochs must be positive")]
    [InlineData("train --lr abc", "abc")]
    [InlineData("train --lr -0.1", "--lr must be positive")]
    [InlineData("train --clip -1", "--clip must not be negative")]
    [InlineData("train --length 0", "--length must be positive")]
    [InlineData("train --optimizer lbfgs", "unknown optimizer 'lbfgs'")]
    [InlineData("train --minutes 1 --epochs 1", "--minutes or --epochs, not both")]
    [InlineData("train --seed -3", "-3")]
    [InlineData("sample --temperature -1", "--temperature must not be negative (got -1)")]
    [InlineData("sample --length -10", "--length must be positive (got -10)")]
    [InlineData("adding --minutes 0", "--minutes must be positive")]
    [InlineData("adding --max-steps -1", "--max-steps must be positive")]
    [InlineData("graph --model nope", "unknown model 'nope'")]
    [InlineData("graph --steps-shown 0", "--steps-shown must be positive")]
    public void Bad_command_lines_are_one_line_errors_with_exit_code_2(string args, string fragment)
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, args.Split(' '));
        Sample.AssertOneLineError(r, 2, fragment);
        Assert.Contains("--help", r.ErrorLines[0], StringComparison.Ordinal);
        Assert.Equal("", r.Out);
        Assert.Empty(folder.Snapshot());
    }

    [Fact]
    public void A_stride_beyond_the_window_is_refused()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", Sample.TinyText(20_000));
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--shape", "small", "--stride", "33");
        Sample.AssertOneLineError(r, 2, "--stride 33 exceeds");
        Assert.Single(folder.Snapshot());
    }

    [Fact]
    public void A_batch_that_is_not_a_multiple_of_the_compiled_batch_is_refused()
    {
        using var folder = new TempFolder();
        folder.Write("t.txt", Sample.TinyText(20_000));
        RunResult r = Sample.Run(folder.Path, "train", "t.txt", "--shape", "small", "--batch", "24");
        Sample.AssertOneLineError(r, 2, "not a multiple");
    }

    [Fact]
    public void Bench_outside_the_repository_says_so()
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, "bench", "--dry-run");
        Sample.AssertOneLineError(r, 1, "bench needs the RnnGen repository");
    }

    [Fact]
    public void Bench_inside_the_repository_forwards_to_the_peer_comparison()
    {
        string root = Commands.BenchCommand.FindRepositoryRoot(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("the tests run from inside the repository");
        string nested = Path.Combine(root, "Sample");
        RunResult r = Sample.Run(nested, "bench", "--dry-run", "--rounds", "5", "--no-write");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"dotnet run -c Release --project {Path.Combine(root, "bench", "RnnGen.Benchmarks", "RnnGen.Benchmarks.csproj")} -- peers --rounds 5 --no-write", r.Out, StringComparison.Ordinal);
    }
}
