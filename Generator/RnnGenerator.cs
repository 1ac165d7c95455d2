using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>
/// Compiles each <c>[RnnModel]</c> partial class into specialized forward and backpropagation-through-time code.
/// Pipeline: find the attribute → <see cref="Parse"/> into an equatable <see cref="ModelSpec"/> plus diagnostics →
/// report the diagnostics → <see cref="Emitter"/> writes <c>{Namespace}.{Class}.g.cs</c> for each valid spec.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RnnGenerator : IIncrementalGenerator
{
    internal const string RnnModelAttributeName = "RnnGen.RnnModelAttribute";

    /// <summary>A spec and the name of the file it becomes.</summary>
    internal sealed record EmitRequest(ModelSpec Spec, string HintName);

    /// <summary>
    /// <c>{FullName}.g.cs</c>; models whose full names differ only in case get <c>.2</c>, <c>.3</c>, … in ordinal order,
    /// since AddSource rejects hint names that are equal ignoring case (and that would surface only as CS8785).
    /// </summary>
    internal static string HintName(string fullName, EquatableArray<string> allNames)
    {
        List<string> alike = allNames.Where(n => string.Equals(n, fullName, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
        int index = alike.IndexOf(fullName);
        return index <= 0 ? fullName + ".g.cs" : $"{fullName}.{index + 1}.g.cs";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                RnnModelAttributeName,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
            .Select(static (r, _) => r.Diagnostics)
            .Where(static d => d.Count > 0)
            .WithTrackingName(TrackingNames.Diagnostics);

        IncrementalValuesProvider<ModelSpec> specs = results
            .Where(static r => r.Spec is not null)
            .Select(static (r, _) => r.Spec!)
            .WithTrackingName(TrackingNames.Specs);

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo d in list) spc.ReportDiagnostic(d.ToDiagnostic());
        });

        // AddSource compares hint names case-insensitively: the full names of all models decide each one's hint name.
        IncrementalValueProvider<EquatableArray<string>> names = specs
            .Select(static (s, _) => s.FullName)
            .Collect()
            .Select(static (all, _) => all.ToEquatableArray())
            .WithTrackingName(TrackingNames.Names);

        IncrementalValuesProvider<EmitRequest> requests = specs
            .Combine(names)
            .Select(static (pair, _) => new EmitRequest(pair.Left, HintName(pair.Left.FullName, pair.Right)))
            .WithTrackingName(TrackingNames.Requests);

        context.RegisterSourceOutput(requests, static (spc, request) =>
        {
            spc.AddSource(request.HintName, Emitter.Emit(request.Spec));
        });
    }
}
