using Microsoft.CodeAnalysis;
using RnnGen.Generator.Tests.Infrastructure;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Declarations that once broke the generator or the generated code (hint names equal ignoring case, primary
/// constructors, file-local classes, base classes without a parameterless constructor, a type named 'var', models
/// deriving from models): each must now either compile or get an RNNG error, and never crash the generator.
/// </summary>
public class FormerGapsTests
{
    private const string Parts = "[RnnModel(Steps = 2)] [VectorInput(2)] [Rnn(3)] [LinearOutput(1)]";

    [Fact]
    public void ModelsWhoseNamesDifferOnlyInCase_BothGenerate()
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using RnnGen;
            namespace Demo;
            /// <summary>A.</summary>
            {{Parts}} public partial class Model { }
            /// <summary>B.</summary>
            {{Parts}} public partial class MODEL { }
            """);

        RobustnessTests.AssertNoCrash(run);
        Assert.Equal(2, run.GeneratedSources.Length);
        SnapshotTests.AssertNoWarnings(run);
    }

    [Fact]
    public void NestedAndNamespacedModelsWithTheSameDottedName_DoNotCrash()
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using RnnGen;
            namespace Outer { {{Parts}} public partial class Model { } }
            public partial class Outer { {{Parts}} public partial class Model { } }
            """);

        RobustnessTests.AssertNoCrash(run);
    }

    [Theory]
    [InlineData("public partial class M(int x) { public int X => x; }")]
    [InlineData("public partial record M(int X);")]
    public void PrimaryConstructor_IsReported(string declaration) =>
        AssertReportsOrCompiles($"using RnnGen;\nnamespace Demo;\n{Parts}\n{declaration}");

    [Fact]
    public void FileLocalClass_IsReported() =>
        AssertReportsOrCompiles($$"""
            using RnnGen;
            namespace Demo;
            {{Parts}}
            file partial class M { }
            file static class Use { public static int Count => M.ParameterCount; }
            """);

    [Fact]
    public void BaseClassWithoutParameterlessConstructor_IsReported() =>
        AssertReportsOrCompiles($$"""
            using RnnGen;
            namespace Demo;
            public class Base { public Base(int x) { } }
            {{Parts}}
            public partial class M : Base { }
            """);

    [Fact]
    public void ClassNamedVar_Compiles() =>
        AssertReportsOrCompiles($"using RnnGen;\nnamespace Demo;\n{Parts}\npublic partial class var {{ }}");

    [Fact]
    public void ModelDerivedFromAnotherModel_CompilesWithoutWarnings()
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using RnnGen;
            namespace Demo;
            /// <summary>A.</summary>
            {{Parts}} public partial class A { }
            /// <summary>B.</summary>
            {{Parts}} public partial class B : A { }
            """);

        Assert.True(!run.Rnng.IsEmpty || run.CompilationDiagnostics.All(d => d.Severity < DiagnosticSeverity.Warning),
            DiagnosticText.Format(run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning), run.Output));
    }

    private static void AssertReportsOrCompiles(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        RobustnessTests.AssertNoCrash(run);
        Diagnostic[] errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(run.Rnng.Any(d => d.Severity == DiagnosticSeverity.Error) || errors.Length == 0,
            "Neither an RNNG error nor a clean compilation:\n" + DiagnosticText.Format(errors, run.Output));
    }
}
