using RnnGen.Generator.Tests.Infrastructure;
using Xunit.Sdk;

namespace RnnGen.Generator.Tests;

/// <summary>The snapshot helper itself, run against a temporary folder.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-snapshot-" + Guid.NewGuid().ToString("N"));
    private readonly string _sourceFile;

    public SnapshotHelperTests()
    {
        Directory.CreateDirectory(_directory);
        _sourceFile = Path.Combine(_directory, "FakeTests.cs");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (string Verified, string Received) Paths => Snapshot.Paths("cs", _sourceFile, "Case");

    [Fact]
    public void PathsFollowVerifyConventions()
    {
        Assert.Equal(Path.Combine(_directory, "Snapshots", "FakeTests.Case.verified.cs"), Paths.Verified);
        Assert.Equal(Path.Combine(_directory, "Snapshots", "FakeTests.Case.received.cs"), Paths.Received);
    }

    [Fact]
    public void MissingVerifiedFile_FailsAndWritesReceived()
    {
        var ex = Assert.Throws<XunitException>(() => Snapshot.Verify("class C { }\n", "cs", _sourceFile, "Case", accept: false));

        Assert.Contains("No snapshot yet", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Paths.Verified));
        Assert.Equal("class C { }\n", File.ReadAllText(Paths.Received));
    }

    [Fact]
    public void Mismatch_FailsWithUnifiedDiffAndWritesReceived()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Paths.Verified)!);
        File.WriteAllText(Paths.Verified, "line 1\nline 2\nline 3\n");

        var ex = Assert.Throws<XunitException>(() => Snapshot.Verify("line 1\nline two\nline 3\n", "cs", _sourceFile, "Case", accept: false));

        Assert.Contains("Snapshot mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--- FakeTests.Case.verified.cs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("+++ FakeTests.Case.received.cs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\n-line 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\n+line two", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Snapshot.AcceptVariable, ex.Message, StringComparison.Ordinal);
        Assert.Equal("line 1\nline two\nline 3\n", File.ReadAllText(Paths.Received));
        Assert.Equal("line 1\nline 2\nline 3\n", File.ReadAllText(Paths.Verified));
    }

    [Fact]
    public void Match_PassesAndDeletesStaleReceived()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Paths.Verified)!);
        File.WriteAllText(Paths.Verified, "same\n");
        File.WriteAllText(Paths.Received, "stale\n");

        Snapshot.Verify("same\n", "cs", _sourceFile, "Case", accept: false);

        Assert.False(File.Exists(Paths.Received));
    }

    [Fact]
    public void LineEndingsAreNormalized()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Paths.Verified)!);
        File.WriteAllText(Paths.Verified, "a\r\nb\r\n");

        Snapshot.Verify("a\nb\n", "cs", _sourceFile, "Case", accept: false);
    }

    [Fact]
    public void Accept_WritesVerifiedWithoutBomAndPasses()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Paths.Verified)!);
        File.WriteAllText(Paths.Received, "stale\n");

        Snapshot.Verify("new\n", "cs", _sourceFile, "Case", accept: true);

        Assert.Equal("new\n"u8.ToArray(), File.ReadAllBytes(Paths.Verified));
        Assert.False(File.Exists(Paths.Received));
    }

    [Fact]
    public void GeneratedCodeVersionIsScrubbed()
    {
        const string Source = "[global::System.CodeDom.Compiler.GeneratedCode(\"RnnGen\", \"1.2.3\")]\n[GeneratedCode(\"Other\", \"4.5.6\")]\n";

        Assert.Equal(
            "[global::System.CodeDom.Compiler.GeneratedCode(\"RnnGen\", \"{version}\")]\n[GeneratedCode(\"Other\", \"4.5.6\")]\n",
            Snapshot.Scrub(Source));
    }
}
