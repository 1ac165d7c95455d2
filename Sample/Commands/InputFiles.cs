namespace RnnGen.Sample.Commands;

/// <summary>
/// What the sample reads: regular files only, of bounded size, checked before they are opened. A device such as
/// <c>/dev/zero</c> would be read until memory runs out, and opening a FIFO blocks until something writes to it; both
/// report a size of 0 without being opened, as an empty file does, so a file of size 0 is never opened. The size is the
/// test because .NET has no portable way to read a file's type: <see cref="FileInfo.Attributes"/> is <c>Normal</c> for a
/// FIFO, <c>/dev/null</c>, <c>/dev/zero</c> and an empty regular file alike (checked on Linux), and <c>stat</c> through
/// P/Invoke is not portable. On Linux every non-regular file (FIFO, socket, character or block device) has size 0.
/// </summary>
public static class InputFiles
{
    /// <summary>Largest training text read (64 MiB of UTF-8: about 1.5 GB of memory once decoded and encoded as ids).</summary>
    public const long MaxTextBytes = 64L << 20;

    /// <summary>Largest checkpoint read (the largest shape's checkpoint is under 4 MB).</summary>
    public const long MaxCheckpointBytes = 1L << 30;

    /// <summary>Throws unless <paramref name="path"/> is a regular file of 1 to <paramref name="maxBytes"/> bytes; returns its size.</summary>
    /// <param name="path">Full path.</param>
    /// <param name="shown">The path as the user reads it.</param>
    /// <param name="what">"text file", "checkpoint": for the not-found message.</param>
    /// <param name="maxBytes">The size cap.</param>
    public static long CheckRegular(string path, string shown, string what, long maxBytes)
    {
        if (Directory.Exists(path)) throw new SampleException($"{shown} is a folder; give a {what}.");
        var info = new FileInfo(path);
        if (!info.Exists) throw new SampleException($"{what} {shown} not found.");
        long length = info.Length;
        if (length == 0)
            throw new SampleException($"{shown} is empty or not a regular file (a device or a pipe has no size, and is not read); give a {what}.");
        if (length > maxBytes)
            throw new SampleException($"{shown} has {length:N0} bytes; at most {maxBytes:N0} are read (a {what}).");
        return length;
    }
}
