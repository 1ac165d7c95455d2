using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Emitters;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>
/// Compiles each <c>[RnnModel]</c> partial class into specialized forward and backpropagation-through-time code.
/// Pipeline: find the attribute → <see cref="Parser"/> reads it into an equatable <see cref="ModelSpec"/> and plans it
/// (<see cref="ModelPlan"/>: every tensor, activation and scratch area) or reports diagnostics → the diagnostics are
/// reported → <see cref="ModelEmitter"/> writes <c>{Namespace}.{Class}.g.cs</c> from each plan. docs/ARCHITECTURE.md
/// describes the stages.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RnnGenerator : IIncrementalGenerator
{
    internal const string RnnModelAttributeName = "RnnGen.RnnModelAttribute";

    private static readonly string[] PartAttributeNames =
    {
        "RnnGen.TokenInputAttribute", "RnnGen.VectorInputAttribute", "RnnGen.RnnAttribute", "RnnGen.LstmAttribute", "RnnGen.GruAttribute",
        "RnnGen.SoftmaxOutputAttribute", "RnnGen.LinearOutputAttribute", "RnnGen.SigmoidOutputAttribute", "RnnGen.AttentionAttribute",
    };

    /// <summary>RNNG032 at the first part attribute of a type that has no [RnnModel]; null when it has one.</summary>
    private static DiagnosticInfo? Orphan(GeneratorAttributeSyntaxContext context)
    {
        if (context.TargetSymbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == RnnModelAttributeName)) return null;
        AttributeData first = context.Attributes[0];
        Location? location = first.ApplicationSyntaxReference?.GetSyntax().GetLocation();
        string name = first.AttributeClass?.Name is { } n && n.EndsWith("Attribute", StringComparison.Ordinal) ? n.Substring(0, n.Length - 9) : "?";
        return new DiagnosticInfo(DiagnosticDescriptors.PartWithoutModel.Id, LocationInfo.From(location),
            new[] { name, context.TargetSymbol.Name }.ToEquatableArray());
    }

    /// <summary>A plan and the name of the file it becomes.</summary>
    internal sealed record EmitRequest(ModelPlan Plan, string HintName);

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

        IncrementalValuesProvider<ModelPlan> plans = results
            .Where(static r => r.Plan is not null)
            .Select(static (r, _) => r.Plan!)
            .WithTrackingName(TrackingNames.Specs);

        // A part attribute ([Lstm], [TokenInput], …) on a type without [RnnModel] does nothing: say so.
        foreach (string part in PartAttributeNames)
        {
            IncrementalValuesProvider<DiagnosticInfo> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(part, predicate: static (node, _) => node is TypeDeclarationSyntax, transform: static (ctx, _) => Orphan(ctx))
                .Where(static d => d is not null)
                .Select(static (d, _) => d!)
                .WithTrackingName(TrackingNames.Orphans);
            context.RegisterSourceOutput(orphans, static (spc, d) => spc.ReportDiagnostic(d.ToDiagnostic()));
        }

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo d in list) spc.ReportDiagnostic(d.ToDiagnostic());
        });

        // AddSource compares hint names case-insensitively: the full names of all models decide each one's hint name.
        IncrementalValueProvider<EquatableArray<string>> names = plans
            .Select(static (p, _) => p.Spec.FullName)
            .Collect()
            .Select(static (all, _) => all.ToEquatableArray())
            .WithTrackingName(TrackingNames.Names);

        IncrementalValuesProvider<EmitRequest> requests = plans
            .Combine(names)
            .Select(static (pair, _) => new EmitRequest(pair.Left, HintName(pair.Left.Spec.FullName, pair.Right)))
            .WithTrackingName(TrackingNames.Requests);

        context.RegisterSourceOutput(requests, static (spc, request) =>
        {
            spc.AddSource(request.HintName, ModelEmitter.Emit(request.Plan));
        });
    }
}
