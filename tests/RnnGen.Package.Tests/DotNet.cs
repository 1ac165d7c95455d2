using System.Diagnostics;
using System.Text;

namespace RnnGen.Package.Tests;

/// <summary>Runs the <c>dotnet</c> command line in a clean environment and captures everything it prints.</summary>
internal static class DotNet
{
    /// <summary>What a command did: its exit code and its standard output and error, interleaved as printed.</summary>
    internal sealed record Result(string CommandLine, string WorkingDirectory, int ExitCode, string Output, TimeSpan Elapsed)
    {
        public string Describe() =>
            $"`{CommandLine}` in {WorkingDirectory} exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s. Output:{Environment.NewLine}{Output}";
    }

    /// <summary>The <c>dotnet</c> host that runs these tests (so the same SDK installation), else the one on PATH.</summary>
    private static string Host
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
            string? process = Environment.ProcessPath;
            if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
            return "dotnet";
        }
    }

    /// <summary>
    /// Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/> and fails the test, with the
    /// command's output, if it exits with an error or takes longer than <paramref name="timeout"/>.
    /// </summary>
    public static async Task<Result> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Result result = await TryRunAsync(workingDirectory, arguments, timeout, environment);
        Assert.True(result.ExitCode == 0, result.Describe());
        return result;
    }

    /// <summary>As <see cref="RunAsync"/>, but returns a failed command's result instead of failing (a timeout still fails).</summary>
    public static async Task<Result> TryRunAsync(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Host)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);

        // The test host inherits variables from `dotnet test` (MSBuild's own paths and switches, the test platform's):
        // a nested command must find its SDK by itself, as on a user's machine.
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        start.Environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1";
        // No MSBuild nodes, compiler server or MSBuild server may outlive the command: they would hold its output open
        // (and keep files of the temporary folder in use).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
            foreach ((string name, string value) in environment) start.Environment[name] = value;

        string commandLine = "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit(10_000);
            string printed;
            lock (output) printed = output.ToString();
            Assert.Fail($"`{commandLine}` in {workingDirectory} did not finish within {timeout.TotalSeconds:F0} s and was stopped. Output so far:{Environment.NewLine}{printed}");
        }
        lock (output)
            return new Result(commandLine, workingDirectory, process.ExitCode, output.ToString(), clock.Elapsed);
    }
}
