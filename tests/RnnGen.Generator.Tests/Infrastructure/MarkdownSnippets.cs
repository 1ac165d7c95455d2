using System.Reflection;
using System.Text.RegularExpressions;

namespace RnnGen.Generator.Tests.Infrastructure;

/// <summary>
/// One fenced code block of a Markdown file, with the <c>&lt;!-- compile: … --&gt;</c> or <c>&lt;!-- run: … --&gt;</c>
/// directive written just before it (see docs/ARCHITECTURE.md, "Examples in the docs compile").
/// </summary>
/// <param name="File">The Markdown file, relative to the repository root, with '/' separators.</param>
/// <param name="Line">1-based line of the block's first code line (the line after the opening fence).</param>
/// <param name="Language">The info string's first word, lower case (<c>csharp</c>, <c>python</c>, …).</param>
/// <param name="NoCompile">The info string says <c>no-compile</c>: an excerpt not meant to compile on its own.</param>
/// <param name="Code">The code between the fences.</param>
/// <param name="Name">The directive's <c>name=</c>, which other blocks of the same file use in <c>uses=</c>.</param>
/// <param name="Uses">The directive's <c>uses=</c>: names of earlier blocks of the same file this one continues.</param>
/// <param name="Given">The directive's lines after the first: code the block takes as given.</param>
/// <param name="GivenLine">1-based line in the Markdown file of the first line of <paramref name="Given"/>.</param>
internal sealed record MarkdownSnippet(
    string File, int Line, string Language, bool NoCompile, string Code,
    string? Name, IReadOnlyList<string> Uses, string Given, int GivenLine)
{
    /// <summary>Where the block is, as a reader looks it up: <c>README.md:94</c>.</summary>
    public string Where => $"{File}:{Line}";

    /// <summary>True for C# (<c>csharp</c>, <c>cs</c>, <c>c#</c>).</summary>
    public bool IsCSharp => Language is "csharp" or "cs" or "c#";

    /// <summary>True for Python (<c>python</c>, <c>py</c>).</summary>
    public bool IsPython => Language is "python" or "py";
}

/// <summary>Reads the fenced code blocks (and their directives) out of the repository's Markdown documentation.</summary>
internal static partial class MarkdownSnippets
{
    /// <summary>The documentation whose examples are checked: README.md, docs/*.md and Sample/README.md.</summary>
    public static IReadOnlyList<string> DocumentedFiles()
    {
        string root = RepositoryRoot;
        var files = new List<string> { "README.md", "Sample/README.md" };
        files.AddRange(Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .Select(f => "docs/" + Path.GetFileName(f))
            .Order(StringComparer.Ordinal));
        return files.Where(f => System.IO.File.Exists(Path.Combine(root, f))).ToList();
    }

    /// <summary>The repository's root folder (two levels above this test project).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        string project = typeof(MarkdownSnippets).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "RnnGen.Generator.Tests.ProjectDirectory").Value!;
        return Path.GetFullPath(Path.Combine(project, "..", ".."));
    }

    /// <summary>Every fenced block of <paramref name="file"/> (relative to the repository root).</summary>
    public static IReadOnlyList<MarkdownSnippet> Read(string file)
    {
        string[] lines = System.IO.File.ReadAllText(Path.Combine(RepositoryRoot, file)).ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<MarkdownSnippet>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match open = Fence().Match(lines[i]);
            if (!open.Success)
                continue;
            string fence = open.Groups["fence"].Value;
            string[] info = open.Groups["info"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int close = i + 1;
            while (close < lines.Length && !(lines[close].TrimStart().StartsWith(fence, StringComparison.Ordinal) && lines[close].Trim().Trim(fence[0]).Length == 0))
                close++;
            if (close == lines.Length)
                throw new InvalidOperationException($"{file}:{i + 1}: the code block opened here is never closed.");

            (string? name, List<string> uses, string given, int givenLine) = Directive(lines, i);
            snippets.Add(new MarkdownSnippet(
                file, i + 2,
                info.Length > 0 ? info[0].ToLowerInvariant() : "",
                info.Skip(1).Contains("no-compile", StringComparer.Ordinal),
                string.Join('\n', lines[(i + 1)..close]) + "\n",
                name, uses, given, givenLine));
            i = close;
        }
        return snippets;
    }

    /// <summary>
    /// The <c>&lt;!-- compile: … --&gt;</c> or <c>&lt;!-- run: … --&gt;</c> comment that ends on the last non-blank line
    /// before the fence at <paramref name="fenceIndex"/>: its first line holds <c>name=X</c> and <c>uses=A,B</c>, the
    /// following lines (up to <c>--&gt;</c>) the given code.
    /// </summary>
    private static (string? Name, List<string> Uses, string Given, int GivenLine) Directive(string[] lines, int fenceIndex)
    {
        int end = fenceIndex - 1;
        while (end >= 0 && lines[end].Trim().Length == 0)
            end--;
        if (end < 0 || !lines[end].TrimEnd().EndsWith("-->", StringComparison.Ordinal))
            return (null, new List<string>(), "", 0);
        int start = end;
        while (start >= 0 && !lines[start].Contains("<!--", StringComparison.Ordinal))
            start--;
        if (start < 0)
            return (null, new List<string>(), "", 0);
        Match head = DirectiveHead().Match(lines[start]);
        if (!head.Success)
            return (null, new List<string>(), "", 0);

        string? name = null;
        var uses = new List<string>();
        foreach (string word in head.Groups["args"].Value.Replace("-->", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith("name=", StringComparison.Ordinal))
                name = word["name=".Length..];
            else if (word.StartsWith("uses=", StringComparison.Ordinal))
                uses.AddRange(word["uses=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries));
            else
                throw new InvalidOperationException($"line {start + 1}: unknown word '{word}' in a snippet directive (expected name=… or uses=…).");
        }
        if (start == end)
            return (name, uses, "", 0);
        var given = lines[(start + 1)..end].ToList();
        string last = lines[end].TrimEnd();
        given.Add(last[..^3]);
        return (name, uses, string.Join('\n', given) + "\n", start + 2);
    }

    [GeneratedRegex(@"^\s*(?<fence>```+|~~~+)\s*(?<info>[^`]*)$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*<!--\s*(compile|run):(?<args>.*)$")]
    private static partial Regex DirectiveHead();
}
