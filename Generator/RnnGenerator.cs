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

        context.RegisterSourceOutput(specs, static (spc, spec) =>
        {
            spc.AddSource(spec.HintName, Emitter.Emit(spec));
        });
    }
}
