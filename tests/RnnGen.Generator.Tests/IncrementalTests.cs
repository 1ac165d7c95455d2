using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator.Tests.Infrastructure;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Incremental caching, as dotnet/runtime's JsonSourceGeneratorIncrementalTests checks it: run the driver with step
/// tracking, edit, run again, and read the reason each named step (Generator/TrackingNames.cs) gives for its outputs.
/// An edit that does not touch a model must leave every step Cached or Unchanged; a real change must show as Modified.
/// And the cached values must hold nothing that pins a compilation (symbols, syntax, locations).
/// </summary>
public class IncrementalTests
{
    private const string ValidModel = """
        using RnnGen;

        namespace Demo;

        /// <summary>A valid model.</summary>
        [RnnModel(Steps = 3, Batch = 2)]
        [TokenInput(5)]
        [Lstm(8)]
        [SoftmaxOutput(5)]
        public partial class CharModel { }
        """;

    /// <summary>An invalid model, so that the Diagnostics step has an output too.</summary>
    private const string InvalidModel = """
        using RnnGen;

        namespace Demo;

        /// <summary>An invalid model.</summary>
        [RnnModel(Steps = 0)]
        [VectorInput(2)]
        [Gru(3)]
        [LinearOutput(1)]
        public partial class Broken { }
        """;

    private const string OtherCode = """
        namespace Demo;

        /// <summary>Code that has nothing to do with the models.</summary>
        public static class Helpers
        {
            /// <summary>Adds.</summary>
            public static int Add(int a, int b) => a + b;
        }
        """;

    private static readonly string[] NamedSteps = { TrackingNames.Parse, TrackingNames.Specs, TrackingNames.Diagnostics };

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    [Fact]
    public void TheNamedStepsExist()
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true);
        GeneratorRunResult result = Run(ref driver, GeneratorHarness.CreateCompilation(ValidModel, InvalidModel));

        foreach (string step in NamedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"The pipeline has no step named '{step}'.");
            Assert.All(Reasons(result, step), r => Assert.Equal(IncrementalStepRunReason.New, r));
        }
        Assert.Equal(2, Reasons(result, TrackingNames.Parse).Length);
        Assert.Single(Reasons(result, TrackingNames.Specs));
        Assert.Single(Reasons(result, TrackingNames.Diagnostics));
    }

    [Fact]
    public void AddingAnUnrelatedFile_LeavesEveryStepCachedOrUnchanged()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(ValidModel, InvalidModel, OtherCode);

        CSharpCompilation edited = compilation.AddSyntaxTrees(Parse("namespace Demo; internal sealed class Unrelated { }", "Unrelated.cs"));
        GeneratorRunResult second = Run(ref driver, edited);

        AssertAllSteps(second, CachedOrUnchanged);
        AssertSourceOutputs(second, CachedOrUnchanged);
    }

    [Fact]
    public void EditingAMethodBodyElsewhere_LeavesEveryStepCachedOrUnchanged()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(ValidModel, InvalidModel, OtherCode);

        CSharpCompilation edited = Replace(compilation, "Model2.cs", OtherCode.Replace("a + b", "b + a + 0", StringComparison.Ordinal));
        GeneratorRunResult second = Run(ref driver, edited);

        AssertAllSteps(second, CachedOrUnchanged);
        AssertSourceOutputs(second, CachedOrUnchanged);
    }

    [Fact]
    public void EditingTheModelsFileWithoutChangingTheModel_RerunsTheParseButEmitsNothingNew()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(ValidModel, InvalidModel, OtherCode);

        // A comment appended at the end: the file changes (so the parse runs again), the model and its spans do not.
        CSharpCompilation edited = Replace(compilation, "Model.cs", ValidModel + "\n// a comment\n");
        GeneratorRunResult second = Run(ref driver, edited);

        AssertAllSteps(second, CachedOrUnchanged);
        AssertSourceOutputs(second, CachedOrUnchanged);
    }

    [Fact]
    public void ChangingALayerSize_ModifiesTheSpecAndTheSource()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(ValidModel, InvalidModel, OtherCode);

        CSharpCompilation edited = Replace(compilation, "Model.cs", ValidModel.Replace("[Lstm(8)]", "[Lstm(9)]", StringComparison.Ordinal));
        GeneratorRunResult second = Run(ref driver, edited);

        // Two parses: the edited model's is Modified; the broken model's (its file did not change) is not.
        IncrementalStepRunReason[] parse = Reasons(second, TrackingNames.Parse);
        Assert.Equal(2, parse.Length);
        Assert.Single(parse, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(parse, r => CachedOrUnchanged.Contains(r));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, TrackingNames.Specs));
        Assert.All(Reasons(second, TrackingNames.Diagnostics), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.Contains(IncrementalStepRunReason.Modified, second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason));
        string text = Assert.Single(second.GeneratedSources).SourceText.ToString();
        Assert.Contains("LSTM(9)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EditingOneModel_LeavesTheOtherModelCachedOrUnchanged()
    {
        string second = ValidModel.Replace("CharModel", "OtherModel", StringComparison.Ordinal);
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(ValidModel, second);

        CSharpCompilation edited = Replace(compilation, "Model1.cs", second.Replace("Batch = 2", "Batch = 4", StringComparison.Ordinal));
        GeneratorRunResult result = Run(ref driver, edited);

        IncrementalStepRunReason[] parse = Reasons(result, TrackingNames.Parse);
        Assert.Equal(2, parse.Length);
        Assert.Single(parse, r => r == IncrementalStepRunReason.Modified);
        // The other model's transform may run again (the compilation changed) but its value must compare equal.
        Assert.Single(parse, r => CachedOrUnchanged.Contains(r));
        IncrementalStepRunReason[] specs = Reasons(result, TrackingNames.Specs);
        Assert.Single(specs, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(specs, r => CachedOrUnchanged.Contains(r));
        // Only the edited model's source is emitted again.
        IncrementalStepRunReason[] outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Single(outputs, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(outputs, r => CachedOrUnchanged.Contains(r));
        Assert.Equal(2, result.GeneratedSources.Length);
    }

    [Fact]
    public void FixingADiagnostic_RemovesItAndGeneratesTheModel()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(InvalidModel);
        Assert.Single(driver.GetRunResult().Diagnostics, d => d.Id == "RNNG005");

        CSharpCompilation edited = Replace(compilation, "Model.cs", InvalidModel.Replace("Steps = 0", "Steps = 2", StringComparison.Ordinal));
        GeneratorRunResult result = Run(ref driver, edited);

        Assert.Empty(result.Diagnostics);
        Assert.Equal("Demo.Broken.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }

    [Fact]
    public void IncrementalRun_ProducesTheSameTextAsAFreshRun()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun(ValidModel, InvalidModel, OtherCode);
        CSharpCompilation edited = Replace(compilation, "Model2.cs", OtherCode + "\n// edited\n");
        GeneratorRunResult incremental = Run(ref driver, edited);

        GeneratorDriver fresh = GeneratorHarness.CreateDriver();
        GeneratorRunResult again = Run(ref fresh, edited);

        Assert.Equal(
            again.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())),
            incremental.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
        Assert.Equal(
            again.Diagnostics.Select(d => d.ToString()),
            incremental.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void CachedValues_HoldNoSymbolsSyntaxLocationsOrCompilations()
    {
        (GeneratorDriver driver, _) = FirstRun(ValidModel, InvalidModel, OtherCode);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        int walked = 0;
        foreach (string step in NamedSteps)
        {
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                foreach ((object value, _) in run.Outputs)
                {
                    AssertNoCompilationObjects(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
                    walked++;
                }
            }
        }
        Assert.True(walked >= 4, $"Expected outputs to walk (two parses, one spec, one diagnostics list), found {walked}.");
    }

    [Fact]
    public void TheObjectWalker_FindsASymbolHiddenInAGraph()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(ValidModel);
        var graph = new { Name = "x", Items = new object[] { 1, new List<object> { new Tuple<ISymbol>(compilation.GetTypeByMetadataName("Demo.CharModel")!) } } };

        Assert.ThrowsAny<Exception>(() => AssertNoCompilationObjects(graph, "graph", new HashSet<object>(ReferenceEqualityComparer.Instance)));
    }

    // ------------------------------------------------------------------ helpers

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params string[] sources)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(sources);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true);
        GeneratorRunResult first = Run(ref driver, compilation);
        Assert.NotEmpty(Reasons(first, TrackingNames.Parse));
        foreach (string step in NamedSteps) Assert.All(Reasons(first, step), r => Assert.Equal(IncrementalStepRunReason.New, r));
        return (driver, compilation);
    }

    private static GeneratorRunResult Run(ref GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result;
    }

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path);

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(t => t.FilePath == path), Parse(text, path));

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> runs)
            ? runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToArray()
            : Array.Empty<IncrementalStepRunReason>();

    private static void AssertAllSteps(GeneratorRunResult result, IncrementalStepRunReason[] allowed)
    {
        foreach (string step in NamedSteps)
        {
            IncrementalStepRunReason[] reasons = Reasons(result, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.Contains(r, allowed));
        }
    }

    private static void AssertSourceOutputs(GeneratorRunResult result, IncrementalStepRunReason[] allowed)
    {
        IncrementalStepRunReason[] reasons = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains(r, allowed));
    }

    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxNode), typeof(SyntaxTree),
        typeof(SyntaxToken), typeof(SyntaxTrivia), typeof(SyntaxReference), typeof(Location), typeof(Diagnostic),
        typeof(AttributeData), typeof(TypedConstant),
    };

    /// <summary>
    /// Walks every field of <paramref name="node"/> and of what it references (arrays element by element), failing on
    /// anything that <c>is</c> one of <see cref="Forbidden"/> — by value, and by the field's declared type, so a null
    /// field that could hold a symbol fails too. <c>is</c>-checks, not exact types: ISymbol is an interface.
    /// </summary>
    private static void AssertNoCompilationObjects(object? node, string path, HashSet<object> visited)
    {
        if (node is null) return;
        Type type = node.GetType();
        Assert.False(Forbidden.Any(f => f.IsInstanceOfType(node)), $"{path} is a {type.FullName}: the incremental cache would hold on to the compilation.");
        if (type.IsPrimitive || type.IsEnum || node is string or decimal || type.IsPointer) return;
        if (!type.IsValueType && !visited.Add(node)) return;

        if (node is Array array)
        {
            int i = 0;
            foreach (object? item in array) AssertNoCompilationObjects(item, $"{path}[{i++}]", visited);
            return;
        }
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Assert.False(Forbidden.Any(f => f.IsAssignableFrom(field.FieldType)),
                    $"{path}.{field.Name} is declared as {field.FieldType.FullName}.");
                AssertNoCompilationObjects(field.GetValue(node), $"{path}.{field.Name}", visited);
            }
        }
    }
}
