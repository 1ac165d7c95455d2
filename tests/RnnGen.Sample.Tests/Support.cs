using System.Security.Cryptography;
using System.Text;

namespace RnnGen.Sample.Tests;

/// <summary>What one in-process run of the sample printed and returned.</summary>
public sealed record RunResult(int ExitCode, string Out, string Error)
{
    /// <summary>Standard error's non-empty lines.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A temporary working directory, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-sample-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        string path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        string path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Every file under the folder with a hash of its bytes: compare before and after to prove nothing changed.</summary>
    public Dictionary<string, string> Snapshot() => Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)
        .ToDictionary(f => System.IO.Path.GetRelativePath(Path, f), f => Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(f))));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class Sample
{
    /// <summary>Runs the sample in-process in <paramref name="folder"/>.</summary>
    public static RunResult Run(string folder, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SampleApp.Run(args, output, error, folder);
        return new RunResult(code, output.ToString().Replace("\r\n", "\n"), error.ToString().Replace("\r\n", "\n"));
    }

    /// <summary>An English-like text of about <paramref name="characters"/> characters with a small alphabet.</summary>
    public static string TinyText(int characters)
    {
        string[] sentences =
        [
            "the cat sat on the mat. ", "a dog ran to the park and back. ", "it was a dark and quiet night.\n",
            "she said that the tea was cold. ", "we went home by the old road. ", "the rain fell on the roof.\n",
        ];
        var text = new StringBuilder();
        var random = new Random(5);
        while (text.Length < characters) text.Append(sentences[random.Next(sentences.Length)]);
        return text.ToString();
    }

    /// <summary>Asserts a failure: the exit code, exactly one line on standard error starting "error:", containing <paramref name="fragment"/>, and no stack trace.</summary>
    public static void AssertOneLineError(RunResult r, int exitCode, string fragment)
    {
        Assert.True(r.ExitCode == exitCode, $"exit code {r.ExitCode}, expected {exitCode}; stderr: {r.Error}; stdout: {r.Out}");
        Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ", r.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains(fragment, r.ErrorLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Error, StringComparison.Ordinal);
    }
}
