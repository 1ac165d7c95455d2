using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace RnnGen.Generator.Model;

/// <summary>
/// A location reduced to path and spans. <see cref="Location"/> itself holds the syntax tree, which would keep
/// the whole compilation alive in the incremental cache and defeat equality.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null) return null;
        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}

/// <summary>An equatable stand-in for a <see cref="Diagnostic"/>: descriptor id, message arguments and location.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic()
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(Id);
        object[] args = new object[Arguments.Count];
        for (int i = 0; i < args.Length; i++) args[i] = Arguments[i];
        return Diagnostic.Create(descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, args);
    }
}

/// <summary>What the parser returns for one <c>[RnnModel]</c> class: the spec (null when the declaration is invalid) and the diagnostics.</summary>
/// <summary>
/// What the parser makes of one declaration: the model's plan (null when a diagnostic stops it) and the diagnostics.
/// Equal when the specs and diagnostics are equal, since a plan is a function of its spec.
/// </summary>
internal sealed record ParseResult(ModelPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);
