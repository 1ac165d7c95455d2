using System.Text.RegularExpressions;
using RnnGen.Generator.Tests.Infrastructure;

namespace RnnGen.Generator.Tests;

/// <summary>
/// docs/API.md (written by scripts/update-public-api.sh) lists exactly the public types that Runtime/PublicAPI.Shipped.txt
/// and Runtime/PublicAPI.Unshipped.txt declare, so the overview cannot fall behind the API the build enforces.
/// </summary>
public sealed partial class PublicApiDocsTests
{
    private static readonly string[] Modifiers = ["abstract", "static", "sealed", "override", "virtual", "const", "readonly", "new", "~override", "~static"];

    [Fact]
    public void Every_public_type_is_in_the_API_overview_and_nothing_else_is()
    {
        string root = MarkdownSnippets.RepositoryRoot;
        var types = TypesOf(Path.Combine(root, "Runtime", "PublicAPI.Shipped.txt"))
            .Concat(TypesOf(Path.Combine(root, "Runtime", "PublicAPI.Unshipped.txt")))
            .ToList();
        Assert.True(types.Count > 40, $"the public API files list {types.Count} types; expected the runtime's ~75.");

        string overview = File.ReadAllText(Path.Combine(root, "docs", "API.md"));
        var listed = Row().Matches(overview).Select(m => m.Groups["type"].Value).ToHashSet(StringComparer.Ordinal);
        var expected = DisplayNames(types);

        var missing = expected.Where(t => !listed.Contains(t)).Order(StringComparer.Ordinal).ToList();
        var stale = listed.Where(t => !expected.Contains(t)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            "docs/API.md does not match Runtime/PublicAPI.*.txt; run scripts/update-public-api.sh.\n" +
            (missing.Count > 0 ? $"missing from docs/API.md: {string.Join(", ", missing)}\n" : "") +
            (stale.Count > 0 ? $"in docs/API.md but not public: {string.Join(", ", stale)}\n" : ""));
    }

    [Fact]
    public void The_display_names_are_namespace_free_and_keep_nesting()
    {
        var names = DisplayNames(["RnnGen.Adam<T>", "RnnGen.Training.SequenceBatcher<TInput, TTarget>", "RnnGen.Training.SequenceBatcher<TInput, TTarget>.Enumerator", "RnnGen.Kernels.Gemm"]);
        Assert.Equal(
            ["Adam<T>", "Gemm", "SequenceBatcher<TInput, TTarget>", "SequenceBatcher<TInput, TTarget>.Enumerator"],
            names.Order(StringComparer.Ordinal));
    }

    /// <summary>The type entries of a public API file: no <c> -> </c> (members have one) and no parameter list.</summary>
    private static IEnumerable<string> TypesOf(string path) =>
        File.ReadLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("*REMOVED*", StringComparison.Ordinal)
                        && !l.Contains(" -> ", StringComparison.Ordinal) && !l.Contains('(', StringComparison.Ordinal))
            .Select(l => string.Join(' ', l.Split(' ').SkipWhile(w => Modifiers.Contains(w))));

    /// <summary>Each type as docs/API.md names it: without its namespace; a nested type as Outer.Inner.</summary>
    private static HashSet<string> DisplayNames(IReadOnlyCollection<string> types)
    {
        var all = types.ToHashSet(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string type in types)
        {
            string outer = type;
            while (outer.LastIndexOf('.') is int dot and > 0 && all.Contains(outer[..dot]))
                outer = outer[..dot];
            string plainOuter = Generics().Replace(outer, "");
            string ns = plainOuter[..plainOuter.LastIndexOf('.')];
            names.Add(type[(ns.Length + 1)..]);
        }
        return names;
    }

    [GeneratedRegex(@"^\| `(?<type>[^`]+)`", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"<[^<>]*>")]
    private static partial Regex Generics();
}
