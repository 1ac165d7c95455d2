namespace RnnGen.Sample.Commands;

/// <summary>Where a command writes and reads: its console streams, working directory, and how it is stopped.</summary>
/// <param name="Out">Standard output (progress, results).</param>
/// <param name="Error">Standard error (one-line errors).</param>
/// <param name="WorkingDirectory">Relative paths resolve against it; outputs go to its <c>output/</c> folder.</param>
/// <param name="Interactive">True when <paramref name="Out"/> is a terminal: the progress bar redraws in place.</param>
/// <param name="Cancel">Ctrl+C: training stops early and keeps what it learned.</param>
/// <param name="ErrorInteractive">True when <paramref name="Error"/> is a terminal: the progress of long text generation redraws in place.</param>
public sealed record SampleContext(TextWriter Out, TextWriter Error, string WorkingDirectory, bool Interactive, CancellationToken Cancel, bool ErrorInteractive = false)
{
    /// <summary>An absolute path for a user-given one.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, WorkingDirectory);

    /// <summary>A path as the user should read it: relative to the working directory when inside it.</summary>
    public string Show(string path)
    {
        string relative = Path.GetRelativePath(WorkingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
