using System.Runtime.InteropServices;

namespace RnnGen.Checkpoints;

/// <summary>
/// Replaces a file atomically: the new contents go to a temporary file in the same folder (<c>.{name}.{32 hex digits}.tmp</c>),
/// which is flushed to disk, then renamed over the target, and the folder is flushed so the rename survives a power
/// loss. A failure before the rename leaves the old file as it was. Temporary files of the same target that a killed
/// process left behind are removed by the next save of that target.
/// </summary>
/// <remarks>
/// <see cref="Stage"/> splits the two halves, so several files can all be written before any is replaced: stage each,
/// then <see cref="PendingFile.Commit"/> them; disposing a pending file that was not committed deletes its temporary file.
/// </remarks>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using PendingFile pending = Stage(path, write);
        pending.Commit();
    }

    /// <summary>
    /// Writes the contents <paramref name="write"/> produces to a temporary file beside <paramref name="path"/> and flushes it to
    /// disk; <paramref name="path"/> is not touched until <see cref="PendingFile.Commit"/>. On any exception the temporary file
    /// is deleted and the exception propagates.
    /// </summary>
    /// <exception cref="IOException"><paramref name="path"/> is a directory, or the write failed.</exception>
    public static PendingFile Stage(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? ".";
        if (Directory.Exists(fullPath)) throw new IOException($"{fullPath} is a directory.");
        RemoveStaleTemporaries(folder, Path.GetFileName(fullPath));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            return new PendingFile(fullPath, temporary);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>True when <paramref name="fileName"/> is a temporary file of a save of <paramref name="target"/> (a file name).</summary>
    public static bool IsTemporaryOf(string fileName, string target)
    {
        string prefix = "." + target + ".";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(".tmp", StringComparison.Ordinal)) return false;
        ReadOnlySpan<char> middle = fileName.AsSpan(prefix.Length, fileName.Length - prefix.Length - 4);
        return middle.Length == 32 && !middle.ContainsAnyExcept("0123456789abcdef");
    }

    private static void RemoveStaleTemporaries(string folder, string target)
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(folder, "." + target + ".*.tmp"))
                if (IsTemporaryOf(Path.GetFileName(file), target)) TryDelete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable folder: the save itself will say what is wrong.
        }
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Flushes <paramref name="folder"/>'s entries (a rename into it) to disk; best effort, a no-op where folders cannot be synced.</summary>
    public static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS journals renames; folders cannot be opened for flushing there
        try
        {
            int fd = NativeMethods.Open(folder, 0 /* O_RDONLY */);
            if (fd < 0) return;
            NativeMethods.Fsync(fd);
            NativeMethods.Close(fd);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync")]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);
    }
}

/// <summary>A file written to its temporary file and flushed, waiting to be renamed over its target by <see cref="Commit"/>.</summary>
public sealed class PendingFile : IDisposable
{
    internal PendingFile(string path, string temporaryPath)
    {
        Path = path;
        TemporaryPath = temporaryPath;
    }

    /// <summary>The target.</summary>
    public string Path { get; }

    /// <summary>The temporary file holding the new contents.</summary>
    public string TemporaryPath { get; }

    /// <summary>True once renamed over <see cref="Path"/>.</summary>
    public bool Committed { get; private set; }

    /// <summary>Renames the temporary file over the target and flushes the folder.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Committed) return;
        File.Move(TemporaryPath, Path, overwrite: true);
        Committed = true;
        AtomicFile.SyncFolder(System.IO.Path.GetDirectoryName(Path) ?? ".");
    }

    private bool _disposed;

    /// <summary>Deletes the temporary file unless it was committed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!Committed) AtomicFile.TryDelete(TemporaryPath);
    }
}
