using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator.Tests.Infrastructure;

namespace RnnGen.Generator.Tests;

/// <summary>
/// "The generator never throws": broken declarations of every kind I could think of. For each, the generator must not
/// crash (no CS8784/CS8785) nor report RNNG999, and the compilation must either carry an RNNG error (the user is told
/// what to change) or compile without errors (the declaration was fine after all). A case whose user code is broken
/// in a way the generator does not read (a syntax error in a method body, an empty element between attributes) is
/// held to the same rule relative to that code: the generator adds no error of its own (the errors of the output are
/// those of the input). The cases under "must compile" must compile without any error.
/// </summary>
public class RobustnessTests
{
    private const string Valid = """
        [RnnModel(Steps = 3)]
        [VectorInput(2)]
        [Lstm(4)]
        [LinearOutput(1)]
        """;

    /// <summary>
    /// name → sources. Each case declares its types in namespace <c>NS</c>, which <see cref="Sources(string)"/>
    /// replaces with a namespace of the case's own, so that all cases can also share one compilation.
    /// </summary>
    private static readonly Dictionary<string, string[]> Cases = new()
    {
        // Declarations the parser rejects.
        ["NotPartial"] = One(Valid, "public class M { }"),
        ["NestedInNonPartial"] = One("", $$"""public class Outer { {{Valid}} public partial class M { } }"""),
        ["GenericClass"] = One(Valid, "public partial class M<T> where T : struct { }"),
        ["GenericContainingType"] = One("", $$"""public partial class Outer<T> { {{Valid}} public partial class M { } }"""),
        ["GenericContainingTwoLevelsUp"] = One("", $$"""public partial class A<T> { public partial class B { {{Valid}} public partial class M { } } }"""),
        ["Struct"] = One(Valid, "public partial struct M { }"),
        ["RecordStruct"] = One(Valid, "public partial record struct M(int X);"),
        ["ReadonlyRefStruct"] = One(Valid, "public readonly ref partial struct M { }"),
        ["Interface"] = One(Valid, "public partial interface IM { }"),
        ["StaticClass"] = One(Valid, "public static partial class M { }"),
        ["StaticAndNotPartial"] = One(Valid, "public static class M { }"),
        ["RnnModelOnTwoPartialDeclarations"] = new[] { Source(Valid, "public partial class M { }"), Source("[RnnModel(Steps = 4)]", "public partial class M { }") },
        ["RnnModelTwiceOnOneDeclaration"] = One("[RnnModel(Steps = 4)]\n" + Valid, "public partial class M { }"),
        ["LayerOnAnotherPartialDeclaration"] = new[] { Source("[RnnModel(Steps = 3)] [VectorInput(2)] [LinearOutput(1)]", "public partial class M { }"), Source("[Lstm(4)]", "public partial class M { }") },
        ["EverythingOnAnotherPartialDeclaration"] = new[] { Source("[RnnModel(Steps = 3)]", "public partial class M { }"), Source("[VectorInput(2)] [Lstm(4)] [LinearOutput(1)]", "public partial class M { }") },

        // [RnnModel] values.
        ["StepsMissing"] = One("[RnnModel(Batch = 2)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["RnnModelWithoutParentheses"] = One("[RnnModel] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["Steps0"] = One("[RnnModel(Steps = 0)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["Steps5000"] = One("[RnnModel(Steps = 5000)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["StepsIntMin"] = One("[RnnModel(Steps = int.MinValue)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["Batch0"] = One("[RnnModel(Steps = 3, Batch = 0)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["BatchIntMax"] = One("[RnnModel(Steps = 3, Batch = int.MaxValue)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["OutputStepsOnManyToMany"] = One("[RnnModel(Steps = 3, OutputSteps = 5)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["OutputStepsNegativeOnManyToOne"] = One("[RnnModel(Steps = 3, Topology = Topology.ManyToOne, OutputSteps = -1)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["OneToMany"] = One("[RnnModel(Steps = 3, Topology = Topology.OneToMany)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["EncoderDecoder"] = One("[RnnModel(Steps = 3, Topology = Topology.EncoderDecoder, OutputSteps = 2)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["TopologyNine"] = One("[RnnModel(Steps = 3, Topology = (Topology)9)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["PrecisionMinusOne"] = One("[RnnModel(Steps = 3, Precision = (Precision)(-1))] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["TooLarge"] = One("[RnnModel(Steps = 4096, Batch = 65536)] [VectorInput(2)] [Lstm(4096)] [LinearOutput(1)]"),
        ["HiddenIntMax"] = One("[RnnModel(Steps = 1)] [VectorInput(1)] [Lstm(int.MaxValue)] [LinearOutput(1)]"),
        ["StackOfHugeLayers"] = One("[RnnModel(Steps = 1)] [VectorInput(1)] [Gru(1 << 28)] [Gru(1 << 28)] [Gru(1 << 28)] [Gru(1 << 28)] [LinearOutput(1)]"),
        ["HugeVocabularyAndEmbedding"] = One("[RnnModel(Steps = 1)] [TokenInput(int.MaxValue, Embedding = int.MaxValue)] [Rnn(1)] [SoftmaxOutput(2)]"),
        ["HugeOutput"] = One("[RnnModel(Steps = 1)] [VectorInput(1)] [Rnn(1)] [SoftmaxOutput(int.MaxValue)]"),

        // Inputs, layers, outputs.
        ["Lstm0"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(0)] [LinearOutput(1)]"),
        ["TokenInput0"] = One("[RnnModel(Steps = 3)] [TokenInput(0)] [Lstm(4)] [SoftmaxOutput(2)]"),
        ["EmbeddingMinusOne"] = One("[RnnModel(Steps = 3)] [TokenInput(5, Embedding = -1)] [Lstm(4)] [SoftmaxOutput(2)]"),
        ["Softmax1"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [SoftmaxOutput(1)]"),
        ["VectorInputMinus2"] = One("[RnnModel(Steps = 3)] [VectorInput(-2)] [Lstm(4)] [LinearOutput(1)]"),
        ["NoInput"] = One("[RnnModel(Steps = 3)] [Lstm(4)] [LinearOutput(1)]"),
        ["TwoInputs"] = One("[RnnModel(Steps = 3)] [TokenInput(5)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["NoLayer"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [LinearOutput(1)]"),
        ["NoOutput"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)]"),
        ["TwoOutputs"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)] [SoftmaxOutput(3)]"),
        ["OnlyRnnModel"] = One("[RnnModel(Steps = 3)]"),
        ["Bidirectional"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Gru(4, Bidirectional = true)] [LinearOutput(1)]"),
        ["NonlinearitySeven"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Rnn(4, Nonlinearity = (Nonlinearity)7)] [LinearOutput(1)]"),
        ["ForeignLstmAttribute"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Other.Lstm(4)] [LinearOutput(1)]",
            "public partial class M { }\nnamespace Other { public sealed class LstmAttribute(int hidden) : System.Attribute { public int Hidden => hidden; } }", blockNamespace: true),
        ["LayerDisabledByIf"] = One("[RnnModel(Steps = 3)] [VectorInput(2)]\n#if NEVER\n[Lstm(4)]\n#endif\n[LinearOutput(1)]"),

        // Attributes the compiler cannot bind.
        ["LstmString"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(\"big\")] [LinearOutput(1)]"),
        ["LstmWithoutArguments"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm] [LinearOutput(1)]"),
        ["LstmEmptyParentheses"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm()] [LinearOutput(1)]"),
        ["LstmTwoArguments"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4, 5)] [LinearOutput(1)]"),
        ["TokenInputOnlyNamed"] = One("[RnnModel(Steps = 3)] [TokenInput(Embedding = 3)] [Lstm(4)] [SoftmaxOutput(2)]"),
        ["StepsUnknownConst"] = One("[RnnModel(Steps = UnknownConst)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["HiddenUnknownConst"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(Sizes.Unknown)] [LinearOutput(1)]"),
        ["StepsString"] = One("[RnnModel(Steps = \"3\")] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["StepsDouble"] = One("[RnnModel(Steps = 3.5)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["StepsNonConstant"] = One("[RnnModel(Steps = System.Environment.ProcessorCount)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["UnknownNamedProperty"] = One("[RnnModel(Steps = 3, Bogus = 1)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["ReadOnlyPropertyAssigned"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4, Hidden = 5)] [LinearOutput(1)]"),
        ["IntForEnum"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Rnn(4, Nonlinearity = 1)] [LinearOutput(1)]"),
        ["IntForTopology"] = One("[RnnModel(Steps = 3, Topology = 1)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["IntForBool"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4, Bidirectional = 1)] [LinearOutput(1)]"),
        ["NullForInt"] = One("[RnnModel(Steps = 3)] [VectorInput(null)] [Lstm(4)] [LinearOutput(1)]"),
        ["DuplicateNamedArgument"] = One("[RnnModel(Steps = 3, Steps = 4)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),

        // Syntax errors inside the attribute lists.
        ["SyntaxStepsWithoutValue"] = One("[RnnModel(Steps = )] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["SyntaxUnclosedParenthesis"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4] [LinearOutput(1)]"),
        ["SyntaxTrailingComma"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4,)] [LinearOutput(1)]"),
        ["SyntaxEmptyListElement"] = One("[RnnModel(Steps = 3), , VectorInput(2), Lstm(4), LinearOutput(1)]"),
        ["SyntaxUnclosedBracket"] = One("[RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)\n[LinearOutput(1)]"),
        ["SyntaxMissingComma"] = One("[RnnModel(Steps = 3)] [TokenInput(5 Embedding = 3)] [Lstm(4)] [SoftmaxOutput(2)]"),
        ["SyntaxDanglingOperator"] = One("[RnnModel(Steps = 3 +)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["SyntaxAttributeTarget"] = One("[type: RnnModel(Steps = 3)] [return: VectorInput(2)] [Lstm(4)] [LinearOutput(1)]"),
        ["SyntaxBrokenClassBody"] = One(Valid, "public partial class M { void F( }"),
        ["SyntaxMissingClassName"] = One(Valid, "public partial class { }"),

        // Declarations that are fine and must compile.
        ["FileScopedNamespace"] = One(Valid),
        ["BlockNamespace"] = One(Valid, "public partial class M { }", blockNamespace: true),
        ["KeywordClassName"] = One(Valid, "public partial class @class { }"),
        ["UnicodeClassName"] = One(Valid, "public partial class Modèle_Ω { }"),
        ["UnicodeEscapeClassName"] = One(Valid, "public partial class M\\u0041 { }"),
        ["DuplicateNamesInDifferentNamespaces"] = new[]
        {
            "using RnnGen;\nnamespace NS.A;\n" + Valid + "\npublic partial class M { }",
            "using RnnGen;\nnamespace NS.B;\n" + Valid + "\npublic partial class M { }",
        },
        ["DeeplyNestedPartialTypes"] = One("", $$"""
            public partial class L1 { internal partial struct L2 { private partial record L3 { public partial record struct L4 {
                public partial interface L5 { public partial class L6 { public static partial class L7 { {{Valid}} public partial class M { } } } } } } } }
            """),
        ["NestedPrivateModel"] = One("", $$"""public partial class Outer { {{Valid}} private partial class M { } }"""),
        ["PartialSplitAcrossFiles"] = new[] { Source(Valid, "public partial class M { }"), Source("", "public partial class M { public int Extra => Steps; }") },
        ["AllInOneAttributeList"] = One("[RnnModel(Steps = 3), VectorInput(2), Lstm(4), LinearOutput(1)]"),
        ["FullyQualifiedAttributes"] = One("[global::RnnGen.RnnModel(Steps = 3)] [RnnGen.VectorInputAttribute(2)] [global::RnnGen.LstmAttribute(4)] [RnnGen.LinearOutput(1)]"),
        ["AliasedAttributes"] = new[] { "using RnnGen;\nusing L = RnnGen.LstmAttribute;\nnamespace NS;\n[RnnModel(Steps = 3)] [VectorInput(2)] [L(4)] [LinearOutput(1)]\npublic partial class M { }" },
        ["ConstantExpressions"] = One("[RnnModel(Steps = 2 * Sizes.Half, Batch = (int)2.0)] [TokenInput(Sizes.Half + 1, Embedding = Sizes.Half)] [Lstm(hidden: 1 << 2)] [SoftmaxOutput(classes: 3)]",
            "public partial class M { }\npublic static class Sizes { public const int Half = 2; }"),
        ["NamespaceNamedLikeTheModel"] = new[] { "using RnnGen;\nnamespace NS.M;\n" + Valid + "\npublic partial class M { }" },
        ["AbstractModel"] = One(Valid, "public abstract partial class M { }"),
        ["SealedInternalModel"] = One(Valid, "internal sealed partial class M { }"),
        ["RecordClassModel"] = One(Valid, "public partial record class M;"),
        ["ModelWithOwnMembers"] = One(Valid, "public partial class M { public float Predict() => Output[0]; public override string ToString() => nameof(M); }"),
        ["TwoModelsInOneFile"] = One(Valid, "public partial class M { }\n" + Valid + "\npublic partial class N { }"),
        ["NullableDisabledFile"] = new[] { "#nullable disable\nusing RnnGen;\nnamespace NS;\n" + Valid + "\npublic partial class M { public string Name; }" },
    };

    /// <summary>The cases that are valid models and must generate code that compiles without errors.</summary>
    private static readonly HashSet<string> MustCompile = new()
    {
        "FileScopedNamespace", "BlockNamespace", "KeywordClassName", "UnicodeClassName", "UnicodeEscapeClassName",
        "DuplicateNamesInDifferentNamespaces", "DeeplyNestedPartialTypes", "NestedPrivateModel", "PartialSplitAcrossFiles",
        "AllInOneAttributeList", "FullyQualifiedAttributes", "AliasedAttributes", "ConstantExpressions",
        "NamespaceNamedLikeTheModel", "AbstractModel", "SealedInternalModel", "RecordClassModel", "ModelWithOwnMembers",
        "TwoModelsInOneFile", "NullableDisabledFile",
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GeneratorNeverThrows_AndEitherReportsOrCompiles(string name)
    {
        GeneratorRun run = GeneratorHarness.Run(Sources(name));

        AssertNoCrash(run);
        bool reported = run.Rnng.Any(d => d.Severity == DiagnosticSeverity.Error);
        Diagnostic[] errors = Errors(run.CompilationDiagnostics);
        if (MustCompile.Contains(name))
        {
            Assert.False(reported, $"'{name}' is a valid model, yet:\n" + DiagnosticText.Format(run.Rnng, run.Input));
            Assert.NotEmpty(run.GeneratedSources);
            Assert.True(errors.Length == 0, $"'{name}' must compile:\n" + DiagnosticText.Format(errors, run.Output));
            return;
        }
        if (reported)
        {
            Assert.Empty(run.GeneratedSources);
            return;
        }
        // No RNNG error: the generator must not have added an error to what the user's own code already has.
        var before = Errors(run.Input.GetDiagnostics()).Select(Key).ToHashSet();
        Diagnostic[] added = errors.Where(d => !before.Contains(Key(d))).ToArray();
        Assert.True(added.Length == 0,
            $"'{name}': no RNNG error, yet the generator's output adds compile errors (wrong code was generated, or a problem went unreported):\n"
            + DiagnosticText.Format(added, run.Output));

        static (string, string, TextSpanKey) Key(Diagnostic d) => (d.Id, d.Location.GetLineSpan().Path, new TextSpanKey(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    private readonly record struct TextSpanKey(int Start, int Length);

    private static Diagnostic[] Errors(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

    [Fact]
    public void EveryCaseInOneCompilation_NeverThrows()
    {
        GeneratorRun run = GeneratorHarness.Run(Cases.Keys.SelectMany(Sources).ToArray());

        AssertNoCrash(run);
        Assert.NotEmpty(run.GeneratedSources);
        Assert.NotEmpty(run.Rnng);
    }

    [Fact]
    public void WarningsAsErrorsInAnAttribute_DoNotMakeItUnreadable()
    {
        // An [Obsolete] constant in an attribute is warning CS0618; under TreatWarningsAsErrors it has error severity,
        // but the attribute's values are fine and the model must still be generated.
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("""
                using RnnGen;
                namespace Demo;
                /// <summary>Sizes.</summary>
                public static class Sizes
                {
                    /// <summary>Old.</summary>
                    [System.Obsolete("use New")] public const int Old = 4;
                }
                /// <summary>Model.</summary>
                [RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(Sizes.Old)] [LinearOutput(1)]
                public partial class M { }
                """)
            .WithOptions(GeneratorHarness.CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Error));

        GeneratorRun run = GeneratorHarness.Run(compilation);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.Equal("CS0618", Assert.Single(run.CompilationDiagnostics).Id);
    }

    /// <summary>
    /// What the generator says about each case, one line per case (RNNG ids and the source under each, or what it
    /// generated), in <c>Snapshots/RobustnessTests.WhatEachCaseReports.verified.txt</c>: a review aid, and a guard
    /// against a case silently changing from reported to generated or the other way.
    /// </summary>
    [Fact]
    public void WhatEachCaseReports()
    {
        var sb = new System.Text.StringBuilder();
        foreach (string name in Cases.Keys)
        {
            GeneratorRun run = GeneratorHarness.Run(Sources(name));
            string outcome = run.Rnng.IsEmpty
                ? run.GeneratedSources.IsEmpty ? "nothing, no RNNG diagnostic" : "generates " + string.Join(", ", run.GeneratedSources.Select(s => s.HintName.Replace("Case_" + name + ".", "", StringComparison.Ordinal)))
                : string.Join("; ", run.Rnng
                    .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
                    .Select(d => $"{d.Id} at '{DiagnosticText.SourceUnder(d, run.Input)?.ReplaceLineEndings(" ")}'"));
            sb.Append(name).Append(": ").Append(outcome).Append('\n');
        }
        Snapshot.VerifyTxt(sb.ToString());
    }

    /// <summary>No generator exception (CS8784 in Initialize, CS8785 while generating) and no RNNG999.</summary>
    internal static void AssertNoCrash(GeneratorRun run)
    {
        Diagnostic[] crashes = run.GeneratorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785" or "RNNG999").ToArray();
        Assert.True(crashes.Length == 0, "The generator crashed:\n" + string.Join("\n", crashes.Select(d => d.ToString())));
    }

    private static string[] Sources(string name) =>
        Cases[name].Select(s => s.Replace("namespace NS", "namespace Case_" + name, StringComparison.Ordinal)).ToArray();

    private static string[] One(string attributes, string declaration = "public partial class M { }", bool blockNamespace = false) =>
        new[] { Source(attributes, declaration, blockNamespace) };

    private static string Source(string attributes, string declaration, bool blockNamespace = false) => blockNamespace
        ? $"using RnnGen;\nnamespace NS\n{{\n{attributes}\n{declaration}\n}}\n"
        : $"using RnnGen;\nnamespace NS;\n{attributes}\n{declaration}\n";
}
