using System.Diagnostics;

namespace RnnGen.Sample.Commands;

/// <summary><c>bench</c>: runs the side-by-side peer comparison of the benchmark project (bench/RnnGen.Benchmarks peers).</summary>
public static class BenchCommand
{
    /// <summary>The benchmark project, relative to the repository root.</summary>
    public static readonly string Project = Path.Combine("bench", "RnnGen.Benchmarks", "RnnGen.Benchmarks.csproj");

    /// <summary>Runs (or with <paramref name="dryRun"/> prints) the command; returns the exit code.</summary>
    public static int Execute(IReadOnlyList<string> extra, bool dryRun, SampleContext context)
    {
        string root = FindRepositoryRoot(context.WorkingDirectory)
            ?? throw new SampleException($"bench needs the RnnGen repository (it runs {Project.Replace('\\', '/')}); run it from inside a clone of the repository.");
        string[] arguments = ["run", "-c", "Release", "--project", Path.Combine(root, Project), "--", "peers", .. extra];
        string shown = "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        context.Out.WriteLine(shown);
        if (dryRun) return SampleApp.ExitOk;
        context.Out.Flush();

        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        try
        {
            using Process process = Process.Start(info) ?? throw new SampleException("could not start dotnet.");
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (context.Out) context.Out.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (context.Out) context.Error.WriteLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using (context.Cancel.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
                process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SampleException($"could not start dotnet: {ex.Message}");
        }
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> holding RnnGen.sln and the benchmark project, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? d = new(Path.GetFullPath(start)); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "RnnGen.sln")) && File.Exists(Path.Combine(d.FullName, Project))) return d.FullName;
        return null;
    }
}
