using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnGen.Generator.Tests.Infrastructure;

/// <summary>Cuts the members a snapshot pins out of a generated file.</summary>
internal static class GeneratedParts
{
    /// <summary>The part that stands for the model class's declaration: everything up to its opening brace.</summary>
    public const string Declaration = "#declaration";

    /// <summary>
    /// The members of the model class named by <paramref name="parts"/> (a name, or a prefix ending in <c>*</c>), each
    /// with its comments, in source order; <see cref="Declaration"/> adds the text before the class's opening brace.
    /// Fails when a part matches nothing, so a renamed member cannot silently empty a snapshot.
    /// </summary>
    public static string Select(string generated, IReadOnlyList<string> parts)
    {
        SyntaxNode root = CSharpSyntaxTree.ParseText(generated).GetRoot();
        TypeDeclarationSyntax model = root.DescendantNodes().OfType<TypeDeclarationSyntax>()
            .First(t => t.BaseList?.Types.Any(b => b.ToString().Contains("IRnnModel", StringComparison.Ordinal)) == true);
        var text = new StringBuilder();
        if (parts.Contains(Declaration))
            text.Append(generated, 0, model.OpenBraceToken.Span.End).Append('\n');
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (MemberDeclarationSyntax member in model.Members)
        {
            string? name = NameOf(member);
            string? part = name is null ? null : parts.FirstOrDefault(p => Matches(p, name));
            if (part is null) continue;
            matched.Add(part);
            text.Append(member.ToFullString());
        }
        string[] unmatched = parts.Where(p => p != Declaration && !matched.Contains(p)).ToArray();
        Assert.True(unmatched.Length == 0, "No generated member matches: " + string.Join(", ", unmatched));
        return text.ToString();
    }

    private static bool Matches(string part, string name) =>
        part.EndsWith('*') ? name.StartsWith(part[..^1], StringComparison.Ordinal) : name == part;

    private static string? NameOf(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        PropertyDeclarationSyntax p => p.Identifier.Text,
        BaseTypeDeclarationSyntax t => t.Identifier.Text,
        FieldDeclarationSyntax f => f.Declaration.Variables[0].Identifier.Text,
        _ => null,
    };
}
