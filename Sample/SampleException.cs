namespace RnnGen.Sample;

/// <summary>
/// A problem the user can fix (a missing file, a checkpoint of another shape, a bad option): <see cref="SampleApp"/>
/// prints its message as one line on standard error and exits with <see cref="ExitCode"/>; no stack trace.
/// </summary>
public sealed class SampleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SampleException(string message, int exitCode = 1, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    /// <summary>The process exit code to return.</summary>
    public int ExitCode { get; }
}
