using System.Diagnostics;
using System.Text;
using RnnGen.Sample.Graph;

namespace RnnGen.Sample.Commands;

/// <summary><c>graph</c>: the unrolled computational graph of a declared model as SVG, and PNG when rsvg-convert is installed.</summary>
public static class GraphCommand
{
    /// <summary>Writes the picture; returns the exit code.</summary>
    public static int Execute(string modelName, int shown, string? output, SampleContext context)
    {
        GraphModel model = GraphModels.Find(modelName)
            ?? throw new SampleException($"unknown model '{modelName}'; graph knows: {GraphModels.Names}.", SampleApp.ExitUsage);
        string svgPath = context.Resolve(output ?? Path.Combine("output", $"graph-{model.Name}.svg"));
        if (!svgPath.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            throw new SampleException($"--output {output} must end in .svg.", SampleApp.ExitUsage);
        string pngPath = Path.ChangeExtension(svgPath, ".png");
        OutputFiles.EnsureWritable(svgPath, OutputFiles.Kind.Text, context);
        string? renderer = FindOnPath("rsvg-convert");
        if (renderer is not null) OutputFiles.EnsureWritable(pngPath, OutputFiles.Kind.Png, context);

        string svg = UnrolledGraph.Svg(model, shown);
        UnrolledGraph.Validate(svg);
        OutputFiles.WriteAtomically(svgPath, Encoding.UTF8.GetBytes(svg));
        context.Out.WriteLine($"{model.Name}: {UnrolledGraph.Describe(model.Architecture)}");
        context.Out.WriteLine($"Wrote {context.Show(svgPath)} ({model.Tensors.Count} parameter tensors, each drawn once and linked to every step).");
        if (renderer is null)
        {
            context.Out.WriteLine("PNG skipped: rsvg-convert not found (Debian: apt-get install librsvg2-bin).");
            return SampleApp.ExitOk;
        }
        string? failure = Render(renderer, svgPath, pngPath);
        context.Out.WriteLine(failure is null ? $"Wrote {context.Show(pngPath)} (rendered by rsvg-convert)." : $"PNG skipped: rsvg-convert failed: {failure}");
        return SampleApp.ExitOk;
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in OperatingSystem.IsWindows() ? [program + ".exe", program] : new[] { program })
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static string? Render(string renderer, string svgPath, string pngPath)
    {
        // Render to a temporary file, then rename: a failed render leaves any previous PNG as it was.
        string temporary = Path.Combine(Path.GetDirectoryName(pngPath)!, $".{Path.GetFileName(pngPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var info = new ProcessStartInfo(renderer) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in new[] { "--background-color", "white", "--output", temporary, svgPath }) info.ArgumentList.Add(a);
            using Process process = Process.Start(info)!;
            string error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000)) { process.Kill(); return "timed out"; }
            if (process.ExitCode != 0 || !File.Exists(temporary)) return error.Trim().Split('\n')[0];
            // Mark the PNG as ours (a tEXt chunk), as every file the sample writes is.
            byte[] png = File.ReadAllBytes(temporary);
            OutputFiles.WriteAtomically(pngPath, Plotting.PngText.Insert(png, "Software", OutputFiles.Mark));
            return null;
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return ex.Message;
        }
        finally
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
