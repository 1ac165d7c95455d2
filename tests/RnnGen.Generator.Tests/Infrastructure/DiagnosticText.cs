using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests.Infrastructure;

/// <summary>Reads diagnostics back against the source they point into, and formats them for snapshots.</summary>
internal static class DiagnosticText
{
    /// <summary>
    /// The source text under a diagnostic's span, e.g. <c>Steps = 0</c>. The generator's diagnostics carry a trimmed
    /// location (path and span, no syntax tree: see Model/DiagnosticInfo.cs), so the tree is found by its path.
    /// Null when the location is not in a source file of <paramref name="compilation"/>.
    /// </summary>
    public static string? SourceUnder(Diagnostic diagnostic, Compilation compilation)
    {
        Location location = diagnostic.Location;
        SyntaxTree? tree = location.SourceTree;
        if (tree is null && location.Kind == LocationKind.ExternalFile)
        {
            string path = location.GetLineSpan().Path;
            tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == path);
        }
        return tree?.GetText().ToString(location.SourceSpan);
    }

    /// <summary>
    /// One diagnostic per entry, ordered by file and position:
    /// <code>
    /// Model.cs(4,12): error RNNG005: Steps = 0 is out of range; use a value from 1 to 4096
    ///     at: Steps = 0
    /// </code>
    /// Generated files are named by hint name only (the generator's assembly path is noise).
    /// </summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics, Compilation compilation)
    {
        var sb = new StringBuilder();
        foreach (Diagnostic d in diagnostics
                     .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
                     .ThenBy(d => d.Location.SourceSpan.Start)
                     .ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            FileLinePositionSpan span = d.Location.GetLineSpan();
            string where = d.Location == Location.None
                ? "(no location)"
                : string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})");
            string severity = d.Severity.ToString().ToLowerInvariant();
            sb.Append(where).Append(": ").Append(severity).Append(' ').Append(d.Id).Append(": ")
              .Append(d.GetMessage(CultureInfo.InvariantCulture)).Append('\n');
            if (SourceUnder(d, compilation) is { Length: > 0 } text)
                sb.Append("    at: ").Append(text.ReplaceLineEndings(" ")).Append('\n');
        }
        return sb.ToString();
    }
}
