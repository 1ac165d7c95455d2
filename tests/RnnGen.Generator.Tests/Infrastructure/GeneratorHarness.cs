using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator;

namespace RnnGen.Generator.Tests.Infrastructure;

/// <summary>What one run of <see cref="RnnGenerator"/> produced.</summary>
/// <param name="Input">The compilation the generator ran on (user sources only).</param>
/// <param name="Output">The compilation with the generated sources added.</param>
/// <param name="GeneratedSources">Hint name and text of every generated file.</param>
/// <param name="GeneratorDiagnostics">What the generator reported (RNNG…, and CS8784/CS8785 if it threw).</param>
/// <param name="Driver">The driver after the run, to run it again incrementally.</param>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    ImmutableArray<(string HintName, string Text)> GeneratedSources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    GeneratorDriver Driver)
{
    /// <summary>The diagnostics of the output compilation (user code plus generated code), from the compiler.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => _compilationDiagnostics ??= Output.GetDiagnostics();

    private ImmutableArray<Diagnostic>? _compilationDiagnostics;

    /// <summary>Generator and compiler diagnostics together, in the order the compiler would print them.</summary>
    public ImmutableArray<Diagnostic> AllDiagnostics => GeneratorDiagnostics.AddRange(CompilationDiagnostics);

    /// <summary>The single generated file's text (the test fails if there is not exactly one).</summary>
    public string SingleSource => Assert.Single(GeneratedSources).Text;

    /// <summary>The generator's RNNG diagnostics.</summary>
    public ImmutableArray<Diagnostic> Rnng => GeneratorDiagnostics.Where(d => d.Id.StartsWith("RNNG", StringComparison.Ordinal)).ToImmutableArray();
}

/// <summary>
/// Runs <see cref="RnnGenerator"/> as the compiler does: a <see cref="CSharpGeneratorDriver"/> over a compilation of the
/// given sources against the running framework's assemblies (TRUSTED_PLATFORM_ASSEMBLIES) plus RnnGen.Runtime.dll,
/// with nullable enabled, every warning wave on and documentation comments checked.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>Latest language version, documentation comments parsed and diagnosed (bad crefs are warnings).</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>
    /// A library with nullable enabled and warning level 9999 (all warning waves). CS1591 (missing XML comment) is
    /// left on: generated public members must be documented for users who build with GenerateDocumentationFile.
    /// </summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            warningLevel: 9999,
            deterministic: true)
        .WithGeneralDiagnosticOption(ReportDiagnostic.Default);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>The framework's assemblies and RnnGen.Runtime.dll.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The shared framework directory (where System.Private.CoreLib lives): only its assemblies, not the test's own
        // dependencies (xunit, Roslyn, the generator), which also sit on TRUSTED_PLATFORM_ASSEMBLIES.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var references = tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(RnnModelAttribute).Assembly.Location));
        return references.ToImmutableArray();
    }

    /// <summary>Parses <paramref name="sources"/> (named <c>Model0.cs</c>, <c>Model1.cs</c>, …) into a compilation.</summary>
    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "RnnGenTests",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: $"Model{(i == 0 ? "" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}.cs")),
            References,
            CompilationOptions);

    /// <summary>A driver for <see cref="RnnGenerator"/>, optionally tracking the named pipeline steps.</summary>
    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new RnnGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator over <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    /// <summary>Runs the generator over <paramref name="compilation"/>, or continues <paramref name="driver"/> (incremental run).</summary>
    public static GeneratorRun Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CreateDriver();
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        var sources = result.Results.SelectMany(r => r.GeneratedSources)
            .Select(s => (s.HintName, s.SourceText.ToString()))
            .ToImmutableArray();
        return new GeneratorRun(compilation, output, sources, diagnostics, driver);
    }
}
