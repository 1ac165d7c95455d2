namespace RnnGen.Benchmarks;

/// <summary>bench/RESULTS.md as the commands that write into it see it: one section per command.</summary>
public static class ResultsFile
{
    /// <summary>
    /// Replaces the section that starts with the heading <paramref name="title"/> (up to the next <c>## </c> heading), or
    /// adds it before the notes at the end of the file (at the very end without them).
    /// </summary>
    public static string WithSection(string text, string title, string section)
    {
        int start = text.IndexOf("\n" + title, StringComparison.Ordinal);
        if (start >= 0)
        {
            int end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            return text[..(start + 1)] + section + (end >= 0 ? "\n" + text[(end + 1)..] : "");
        }
        int notes = text.IndexOf("\n## Notes moved from code comments", StringComparison.Ordinal);
        return notes >= 0 ? text[..(notes + 1)] + section + "\n" + text[(notes + 1)..] : text.TrimEnd('\n') + "\n\n" + section;
    }
}
