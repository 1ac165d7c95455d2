using System.Text;
using RnnGen.Checkpoints;

namespace RnnGen.Sample.Commands;

/// <summary>
/// The sample writes only files it can recognise as its own: every file it writes carries a mark (checkpoint
/// metadata, a PNG <c>tEXt</c> chunk, an SVG or CSV comment). An existing file without the mark is a user's file and
/// is never overwritten. Writes go to a temporary file that is then renamed, so a failure leaves the old file.
/// </summary>
public static class OutputFiles
{
    /// <summary>Test hook: a write to a path it returns true for fails with an <see cref="IOException"/> (a full disk, in tests).</summary>
    internal static readonly AsyncLocal<Func<string, bool>?> FailWrite = new();

    /// <summary>The mark: the program's name, as it appears in each file.</summary>
    public const string Mark = "RnnGen.Sample";

    /// <summary>The kinds of file the sample writes.</summary>
    public enum Kind
    {
        /// <summary>A safetensors checkpoint with <c>rnngen.sample.shape</c> metadata.</summary>
        Checkpoint,

        /// <summary>A PNG with a <c>Software</c> text chunk naming the sample.</summary>
        Png,

        /// <summary>An SVG or CSV whose first lines name the sample.</summary>
        Text,
    }

    /// <summary>Throws unless <paramref name="path"/> is absent or a (non-empty, regular) file this sample wrote; creates its folder.</summary>
    public static void EnsureWritable(string path, Kind kind, SampleContext context)
    {
        if (Directory.Exists(path)) throw new SampleException($"{context.Show(path)} is a folder; give a file path.");
        // A FIFO blocks whoever opens it and a device is not a file to replace; .NET reports both as Normal files, but
        // of size 0 (as InputFiles relies on), and no file this sample writes is empty: such a path is never opened.
        if (File.Exists(path) && new FileInfo(path).Length == 0)
        {
            throw new SampleException(
                $"{context.Show(path)} is empty or not a regular file (a device or a pipe); it is not written over: choose another path.", SampleApp.ExitUsage);
        }
        if (File.Exists(path) && !IsOurs(path, kind))
        {
            throw new SampleException(
                $"refusing to overwrite {context.Show(path)}: it was not written by this sample (move it or choose another path).");
        }
        string? folder = Path.GetDirectoryName(path);
        if (folder is null) return;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"cannot create the folder {context.Show(folder)}: {ex.Message}");
        }
    }

    /// <summary>True when <paramref name="path"/> carries the sample's mark.</summary>
    public static bool IsOurs(string path, Kind kind)
    {
        try
        {
            switch (kind)
            {
                case Kind.Checkpoint:
                    return Safetensors.ReadHeader(path).Metadata.ContainsKey(Models.CharCheckpoint.ShapeKey);
                case Kind.Png:
                {
                    byte[] head = ReadHead(path, 4096);
                    return head.AsSpan().StartsWith(Plotting.PngText.Signature) && Encoding.Latin1.GetString(head).Contains("Software\0" + Mark, StringComparison.Ordinal);
                }
                default:
                    return Encoding.UTF8.GetString(ReadHead(path, 512)).Contains(Mark, StringComparison.Ordinal);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to a temporary file beside <paramref name="path"/>, then renames it over the path.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        using PendingFile pending = Stage(path, bytes);
        pending.Commit();
    }

    /// <summary>Writes <paramref name="bytes"/> to a flushed temporary file beside <paramref name="path"/>; <see cref="PendingFile.Commit"/> renames it over the path.</summary>
    public static PendingFile Stage(string path, ReadOnlySpan<byte> bytes)
    {
        ThrowIfFailing(path);
        byte[] copy = bytes.ToArray();
        return AtomicFile.Stage(path, stream => stream.Write(copy));
    }

    /// <summary>The test hook <see cref="FailWrite"/>: a simulated full disk for <paramref name="path"/>.</summary>
    internal static void ThrowIfFailing(string path)
    {
        if (FailWrite.Value?.Invoke(path) == true) throw new IOException($"{path}: no space left on device (simulated)");
    }

    /// <summary>
    /// Throws a usage error when two of <paramref name="outputs"/> are one file, or an output is one of
    /// <paramref name="inputs"/> (each a name for messages and a full path). The first output may be the input
    /// <paramref name="rewritten"/>: <c>--resume</c> rewrites its own checkpoint.
    /// </summary>
    public static void EnsureDistinct(IReadOnlyList<(string What, string Path)> outputs, IReadOnlyList<(string What, string Path)> inputs, SampleContext context, string? rewritten = null)
    {
        StringComparison comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        for (int i = 0; i < outputs.Count; i++)
        {
            for (int j = i + 1; j < outputs.Count; j++)
            {
                if (string.Equals(outputs[i].Path, outputs[j].Path, comparison))
                    throw new SampleException($"{outputs[i].What} and {outputs[j].What} are the same file, {context.Show(outputs[i].Path)}; give them different paths.", SampleApp.ExitUsage);
            }
            foreach ((string what, string path) in inputs)
            {
                bool rewrite = i == 0 && rewritten is not null && string.Equals(path, rewritten, comparison);
                if (string.Equals(outputs[i].Path, path, comparison) && !rewrite)
                    throw new SampleException($"{outputs[i].What} and {what} are the same file, {context.Show(path)}; an output cannot overwrite an input.", SampleApp.ExitUsage);
            }
        }
    }

    /// <summary>Throws unless a file can be created in <paramref name="folder"/> (a read-only or full file system, no permission): found before any work is done.</summary>
    public static void EnsureFolderWritable(string folder, SampleContext context)
    {
        string probe = Path.Combine(folder, $".rnngen-write-test.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string reason = ex.Message.Replace($" : '{probe}'", "", StringComparison.Ordinal).Replace(probe, "a test file", StringComparison.Ordinal).TrimEnd('.');
            throw new SampleException($"cannot write to the folder {context.Show(folder)}: {reason}; nothing was trained or written.");
        }
    }

    private static byte[] ReadHead(string path, int count)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[(int)Math.Min(count, file.Length)];
        file.ReadExactly(buffer);
        return buffer;
    }
}
