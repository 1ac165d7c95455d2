using System.Text;

namespace RnnGen.Sample.Commands;

/// <summary>
/// The sample writes only files it can recognise as its own: every file it writes carries a mark (checkpoint
/// metadata, a PNG <c>tEXt</c> chunk, an SVG or CSV comment). An existing file without the mark is a user's file and
/// is never overwritten. Writes go to a temporary file that is then renamed, so a failure leaves the old file.
/// </summary>
public static class OutputFiles
{
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

    /// <summary>Throws unless <paramref name="path"/> is absent or a file this sample wrote; creates its folder.</summary>
    public static void EnsureWritable(string path, Kind kind, SampleContext context)
    {
        if (Directory.Exists(path)) throw new SampleException($"{context.Show(path)} is a folder; give a file path.");
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
                    return head.AsSpan().StartsWith(Plotting.Png.Signature) && Encoding.Latin1.GetString(head).Contains("Software\0" + Mark, StringComparison.Ordinal);
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
        string temporary = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(bytes);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
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
