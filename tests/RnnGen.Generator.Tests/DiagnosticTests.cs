using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generator.Model;
using RnnGen.Generator.Tests.Infrastructure;
using static RnnGen.Generator.Tests.Infrastructure.Sources;

namespace RnnGen.Generator.Tests;

/// <summary>
/// One test (or more) per RNNG id: the exact id, message and location of every RNNG diagnostic the declaration
/// produces, and nothing else from the generator (no second, misleading diagnostic; no RNNG999; no code). The location
/// is asserted as the source text under the diagnostic's span; the rule is: the attribute argument at fault when there
/// is one (<c>Steps = 0</c>, <c>-2</c>), else the attribute, else the type's identifier.
/// </summary>
public class DiagnosticTests
{
    // ------------------------------------------------------------------ declaration

    [Fact]
    public void RNNG001_ClassNotPartial() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public class M { }"),
        ("RNNG001", "Class 'M' has [RnnModel] but is not partial; declare it 'partial' so RnnGen can add the generated members", "M"));

    [Fact]
    public void RNNG002_ContainingTypeNotPartial() => AssertDiagnostics(
        """
        using RnnGen;

        namespace Demo;

        /// <summary>Outer.</summary>
        public class Outer
        {
            /// <summary>Model.</summary>
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            public partial class M { }
        }
        """,
        ("RNNG002", "Type 'Outer' contains the model 'M' but is not partial; declare 'Outer' partial as well", "Outer"));

    [Fact]
    public void RNNG003_GenericClass() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial class M<T> { }"),
        ("RNNG003", "'M' is generic (or nested in a generic type); RnnGen needs every size at compile time, so remove the type parameters", "<T>"));

    [Fact]
    public void RNNG003_GenericContainingType() => AssertDiagnostics(
        """
        using RnnGen;

        namespace Demo;

        /// <summary>Outer.</summary>
        public partial class Outer<TOuter>
        {
            /// <summary>Model.</summary>
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            public partial class M { }
        }
        """,
        ("RNNG003", "'M' is generic (or nested in a generic type); RnnGen needs every size at compile time, so remove the type parameters", "<TOuter>"));

    [Fact]
    public void RNNG019_Struct() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial struct S { }"),
        ("RNNG019", "'S' is a struct; [RnnModel] applies to a partial class (or record class)", "S"));

    [Fact]
    public void RNNG019_RecordStruct() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial record struct RS;"),
        ("RNNG019", "'RS' is a record struct; [RnnModel] applies to a partial class (or record class)", "RS"));

    [Fact]
    public void RNNG019_Interface() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial interface IModel { }"),
        ("RNNG019", "'IModel' is an interface; [RnnModel] applies to a partial class (or record class)", "IModel"));

    [Fact]
    public void RNNG019_IsReportedAlongsideTheCompilersCS0592()
    {
        GeneratorRun run = GeneratorHarness.Run(ModelSource(ValidAttributes, "public partial struct S { }"));

        Assert.Equal("RNNG019", Assert.Single(run.Rnng).Id);
        Assert.Contains(run.CompilationDiagnostics, d => d.Id == "CS0592");
    }

    [Fact]
    public void RNNG020_StaticClass() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public static partial class M { }"),
        ("RNNG020", "Class 'M' is static; a model holds parameters and buffers per instance, remove 'static'", "M"));

    [Fact]
    public void RNNG022_RnnModelOnTwoPartialDeclarations() => AssertDiagnostics(
        new[]
        {
            ModelSource(ValidAttributes),
            """
            using RnnGen;

            namespace Demo;

            [RnnModel(Steps = 4)]
            public partial class M { }
            """,
        },
        ("RNNG022", "'M' has more than one [RnnModel] (on one or several partial declarations); keep exactly one", "RnnModel(Steps = 4)"));

    [Fact]
    public void RNNG022_RnnModelTwiceOnOneDeclaration() => AssertDiagnostics(
        ModelSource("[RnnModel(Steps = 4)]\n" + ValidAttributes),
        ("RNNG022", "'M' has more than one [RnnModel] (on one or several partial declarations); keep exactly one", "RnnModel(Steps = 3)"));

    [Fact]
    public void RNNG018_LayerOnAnotherPartialDeclaration() => AssertDiagnostics(
        new[]
        {
            ModelSource("""
                [RnnModel(Steps = 3)]
                [VectorInput(2)]
                [LinearOutput(1)]
                """),
            """
            using RnnGen;

            namespace Demo;

            [Lstm(4)]
            public partial class M { }
            """,
        },
        ("RNNG018", "[Lstm] is on a different partial declaration of 'M' than [RnnModel]; move it next to [RnnModel] so the layer order is well defined", "Lstm(4)"));

    [Fact]
    public void RNNG018_InputOnAnotherPartialDeclaration_IsNotAlsoReportedAsMissing() => AssertDiagnostics(
        new[]
        {
            ModelSource("""
                [RnnModel(Steps = 3)]
                [Lstm(4)]
                [LinearOutput(1)]
                """),
            """
            using RnnGen;

            namespace Demo;

            [TokenInput(3)]
            public partial class M { }
            """,
        },
        ("RNNG018", "[TokenInput] is on a different partial declaration of 'M' than [RnnModel]; move it next to [RnnModel] so the layer order is well defined", "TokenInput(3)"));

    // ------------------------------------------------------------------ [RnnModel]

    [Fact]
    public void RNNG004_StepsMissing() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Batch = 2)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG004", "[RnnModel] on 'M' does not set Steps; add 'Steps = <number of time steps>' (1 to 4096)", "RnnModel(Batch = 2)"));

    [Theory]
    [InlineData("Steps = 0", "0")]
    [InlineData("Steps = 5000", "5000")]
    [InlineData("Steps = -1", "-1")]
    public void RNNG005_StepsOutOfRange(string argument, string value) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel({argument})]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG005", $"Steps = {value} is out of range; use a value from 1 to 4096", argument));

    [Theory]
    [InlineData("Batch = 0", "0")]
    [InlineData("Batch = 65537", "65537")]
    public void RNNG006_BatchOutOfRange(string argument, string value) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3, {argument})]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG006", $"Batch = {value} is out of range; use a value from 1 to 65536", argument));

    [Fact]
    public void RNNG013_OutputStepsOnManyToMany() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, OutputSteps = 5)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG013", "OutputSteps applies only to Topology.OneToMany and Topology.EncoderDecoder; remove it (a ManyToMany model has one output step per input step)", "OutputSteps = 5"));

    [Fact]
    public void RNNG013_OutputStepsOnManyToOne() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.ManyToOne, OutputSteps = 2)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG013", "OutputSteps applies only to Topology.OneToMany and Topology.EncoderDecoder; remove it (a ManyToOne model has one output step)", "OutputSteps = 2"));

    [Fact]
    public void OutputStepsThatMatchTheTopology_AreAccepted()
    {
        GeneratorRun run = GeneratorHarness.Run(ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.ManyToOne, OutputSteps = 1)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
    }

    [Fact]
    public void RNNG014_OneToManyWithoutOutputSteps() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.OneToMany)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG023", "Topology.OneToMany reads one input and then generates OutputSteps outputs; set Steps = 1 (it is 3)", "Steps = 3"),
        ("RNNG014", "Topology.OneToMany needs OutputSteps from 1 to 4096 (it is not set); set 'OutputSteps = <number of output steps>'", "Topology = Topology.OneToMany"));

    [Fact]
    public void RNNG014_EncoderDecoderWithOutputStepsZero() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.EncoderDecoder, OutputSteps = 0)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG014", "Topology.EncoderDecoder needs OutputSteps from 1 to 4096 (it is 0); set 'OutputSteps = <number of output steps>'", "OutputSteps = 0"));

    [Theory]
    [InlineData("Lstm")]
    [InlineData("Gru")]
    [InlineData("Rnn")]
    public void Bidirectional_layers_generate(string cell)
    {
        // RNNG015 is a retired id (README: "(retired"): bidirectional layers, one-to-many and encoder–decoder generate.
        GeneratorRun run = GeneratorHarness.Run(ModelSource($"""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [{cell}(4, Bidirectional = true)]
            [LinearOutput(1)]
            """));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Theory]
    [InlineData("Topology = Topology.OneToMany, Steps = 1", "[TokenInput(5)]", "[SoftmaxOutput(5)]")]
    [InlineData("Topology = Topology.OneToMany, Steps = 1", "[VectorInput(3)]", "[SigmoidOutput(3)]")]
    [InlineData("Topology = Topology.EncoderDecoder, Steps = 4", "[TokenInput(5, Embedding = 2)]", "[SoftmaxOutput(7)]")]
    [InlineData("Topology = Topology.EncoderDecoder, Steps = 4", "[VectorInput(3)]", "[LinearOutput(2)]")]
    public void Generating_topologies_generate(string settings, string input, string output)
    {
        GeneratorRun run = GeneratorHarness.Run(ModelSource($"""
            [RnnModel({settings}, OutputSteps = 3)]
            {input}
            [Lstm(4)]
            {output}
            """));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void RNNG023_OneToManyWithSeveralInputSteps() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 4, Topology = Topology.OneToMany, OutputSteps = 3)]
            [TokenInput(5)]
            [Lstm(4)]
            [SoftmaxOutput(5)]
            """),
        ("RNNG023", "Topology.OneToMany reads one input and then generates OutputSteps outputs; set Steps = 1 (it is 4)", "Steps = 4"));

    [Theory]
    [InlineData("[TokenInput(5)]", "[LinearOutput(5)]", "a [TokenInput] model must predict tokens: use [SoftmaxOutput(5)]", "5")]
    [InlineData("[TokenInput(5)]", "[SoftmaxOutput(4)]", "the predicted class is the next token, so SoftmaxOutput needs 5 classes (the vocabulary), not 4", "4")]
    [InlineData("[VectorInput(3)]", "[SoftmaxOutput(3)]", "a [VectorInput] model must predict vectors: use [LinearOutput(3)] or [SigmoidOutput(3)]", "3")]
    [InlineData("[VectorInput(3)]", "[SigmoidOutput(2)]", "the output is the next input, so it needs 3 values (the input size), not 2", "2")]
    public void RNNG024_OneToManyOutputCannotBeFedBack(string input, string output, string reason, string at) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 1, Topology = Topology.OneToMany, OutputSteps = 3)]
            {input}
            [Lstm(4)]
            {output}
            """),
        ("RNNG024", "A one-to-many model feeds each output back as the next input: " + reason, at));

    [Theory]
    [InlineData("OneToMany", 1)]
    public void RNNG025_BidirectionalLayerInAGenerator(string topology, int steps) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = {steps}, Topology = Topology.{topology}, OutputSteps = 3)]
            [TokenInput(5)]
            [Lstm(4)]
            [Gru(4, Bidirectional = true)]
            [SoftmaxOutput(5)]
            """),
        ("RNNG025", $"Topology.{topology} generates one step at a time, so no layer can read ahead; remove Bidirectional = true", "Bidirectional = true"));

    [Fact]
    public void RNNG026_PrimaryConstructor() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial class M(int width) { public int Width => width; }"),
        ("RNNG026", "'M' has a primary constructor; RnnGen generates the model's constructor (ulong seed), so remove the parameter list and declare members instead", "(int width)"));

    [Fact]
    public void RNNG026_PrimaryConstructorOfRecord() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial record M(int X);"),
        ("RNNG026", "'M' has a primary constructor; RnnGen generates the model's constructor (ulong seed), so remove the parameter list and declare members instead", "(int X)"));

    [Fact]
    public void RNNG027_FileLocalModel() => AssertDiagnostics(
        ModelSource(ValidAttributes, "file partial class M { }"),
        ("RNNG027", "'M' is file-local (or nested in a file-local type); generated code lives in another file and cannot extend it, so remove 'file'", "file"));

    [Fact]
    public void RNNG028_BaseClassWithoutParameterlessConstructor() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial class M : Base { }\n/// <summary>Base.</summary>\npublic class Base { /// <summary>Ctor.</summary>\npublic Base(int x) { } }"),
        ("RNNG028", "'M' derives from 'Base', which has no accessible parameterless constructor for the generated constructor to call; add one or derive from another type", "Base"));

    [Fact]
    public void RNNG029_ModelDerivesFromModel()
    {
        // The base model A is valid and generates; only the derived M is reported.
        string source = ModelSource(ValidAttributes, "public partial class M : A { }\n/// <summary>Base model.</summary>\n" + ValidAttributes + "\npublic partial class A { }");
        GeneratorRun run = GeneratorHarness.Run(source);
        Diagnostic d = Assert.Single(run.Rnng);
        Assert.Equal("RNNG029", d.Id);
        Assert.Equal("'M' derives from the model 'A'; each model owns its generated members, so declare 'M' without that base class (use composition)", d.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal("A", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Equal("Demo.A.g.cs", Assert.Single(run.GeneratedSources).HintName);
    }

    [Fact]
    public void RNNG030_MemberNameTaken() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial class M { /// <summary>Mine.</summary>\npublic int Steps => 3; }"),
        ("RNNG030", "'Steps' is a member RnnGen generates into 'M'; rename yours", "Steps"));

    [Theory]
    [InlineData("Logits")]
    [InlineData("LossOptions")]
    public void RNNG030_MemberNameTaken_by_the_custom_loss_members(string name) => AssertDiagnostics(
        ModelSource(ValidAttributes, $"public partial class M {{ /// <summary>Mine.</summary>\npublic int {name} => 3; }}"),
        ("RNNG030", $"'{name}' is a member RnnGen generates into 'M'; rename yours", name));

    [Fact]
    public void RNNG031_TypeNamedVar() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial class M { }\n/// <summary>Odd.</summary>\npublic class @var { }"),
        ("RNNG031", "A type named 'var' is visible inside 'M', and the generated code declares its locals with 'var'; rename that type (the compiler also warns about lower-case type names, CS8981)", "M"));

    [Fact]
    public void RNNG031_ModelNamedVar() => AssertDiagnostics(
        ModelSource(ValidAttributes, "public partial class @var { }"),
        ("RNNG031", "A type named 'var' is visible inside 'var', and the generated code declares its locals with 'var'; rename that type (the compiler also warns about lower-case type names, CS8981)", "@var"));

    [Fact]
    public void RNNG032_PartAttributeWithoutModel()
    {
        string source = ModelSource("[VectorInput(2)]\n[Lstm(4)]", "public partial class M { }");
        GeneratorRun run = GeneratorHarness.Run(source);
        Diagnostic[] found = run.Rnng.OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.Equal(new[] { "RNNG032", "RNNG032" }, found.Select(d => d.Id));
        Assert.Equal(DiagnosticSeverity.Warning, found[0].Severity);
        Assert.Equal("[VectorInput] on 'M' has no effect without [RnnModel(Steps = …)]; add [RnnModel] to generate a model, or remove it", found[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal("VectorInput(2)", source.Substring(found[0].Location.SourceSpan.Start, found[0].Location.SourceSpan.Length));
        Assert.Empty(run.GeneratedSources);
        Assert.Empty(GeneratorHarness.Run(ModelSource(ValidAttributes)).Rnng);
    }

    [Fact]
    public void RNNG016_TopologyNotDefined() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Topology = (Topology)9)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG016", "Topology = 9 is not a defined Topology value; use one of: ManyToMany, ManyToOne, OneToMany, EncoderDecoder", "Topology = (Topology)9"));

    [Fact]
    public void RNNG016_PrecisionNotDefined() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Precision = (Precision)2)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG016", "Precision = 2 is not a defined Precision value; use one of: Single, Double", "Precision = (Precision)2"));

    [Fact]
    public void RNNG016_NonlinearityNotDefined() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Rnn(4, Nonlinearity = (Nonlinearity)(-1))]
            [LinearOutput(1)]
            """),
        ("RNNG016", "Nonlinearity = -1 is not a defined Nonlinearity value; use one of: Tanh, Relu", "Nonlinearity = (Nonlinearity)(-1)"));

    [Fact]
    public void RNNG017_ModelTooLarge() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 4096, Batch = 65536)]
            [VectorInput(1)]
            [Lstm(4096)]
            [LinearOutput(1)]
            """),
        ("RNNG017", "Model 'M' needs 6598143508480 values in its activation buffer, more than one buffer can hold (2147483583); reduce Steps, Batch or the layer sizes",
            "RnnModel(Steps = 4096, Batch = 65536)"));

    [Fact]
    public void RNNG017_ParametersTooLarge() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 1)]
            [TokenInput(2000000000, Embedding = 2)]
            [Rnn(1)]
            [LinearOutput(1)]
            """),
        ("RNNG017", "Model 'M' needs 4000000007 values in its parameter buffer, more than one buffer can hold (2147483583); reduce Steps, Batch or the layer sizes",
            "RnnModel(Steps = 1)"));

    // ------------------------------------------------------------------ sizes

    [Theory]
    [InlineData("[Lstm(0)]", "hidden = 0", "0")]
    [InlineData("[Gru(-3)]", "hidden = -3", "-3")]
    [InlineData("[Rnn(hidden: 0)]", "hidden = 0", "hidden: 0")]
    public void RNNG007_HiddenOutOfRange(string layer, string what, string at) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            {layer}
            [LinearOutput(1)]
            """),
        ("RNNG007", $"{what} is out of range; it must be at least 1", at));

    [Fact]
    public void RNNG007_VocabularyZero() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [TokenInput(0)]
            [Lstm(4)]
            [SoftmaxOutput(2)]
            """),
        ("RNNG007", "vocabulary = 0 is out of range; it must be at least 1", "0"));

    [Fact]
    public void RNNG007_EmbeddingNegative() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [TokenInput(5, Embedding = -1)]
            [Lstm(4)]
            [SoftmaxOutput(2)]
            """),
        ("RNNG007", "Embedding = -1 is out of range; it must be at least 0", "Embedding = -1"));

    [Fact]
    public void RNNG007_VectorSizeNegative() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(-2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG007", "size = -2 is out of range; it must be at least 1", "-2"));

    [Fact]
    public void RNNG007_SoftmaxWithOneClass() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4)]
            [SoftmaxOutput(1)]
            """),
        ("RNNG007", "classes = 1 is out of range; it must be at least 2", "1"));

    [Theory]
    [InlineData("LinearOutput")]
    [InlineData("SigmoidOutput")]
    public void RNNG007_OutputSizeZero(string output) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4)]
            [{output}(0)]
            """),
        ("RNNG007", "size = 0 is out of range; it must be at least 1", "0"));

    // ------------------------------------------------------------------ parts

    [Fact]
    public void RNNG008_NoInput() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG008", "Model 'M' has no input; add [TokenInput(vocabulary)] or [VectorInput(size)]", "RnnModel(Steps = 3)"));

    [Fact]
    public void RNNG009_TwoInputs() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [TokenInput(5)]
            [Lstm(4)]
            [VectorInput(2)]
            [LinearOutput(1)]
            """),
        ("RNNG009", "Model 'M' already has an input (TokenInput); remove this [VectorInput]", "VectorInput(2)"));

    [Fact]
    public void RNNG010_NoLayer() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [LinearOutput(1)]
            """),
        ("RNNG010", "Model 'M' has no recurrent layer; add at least one [Lstm(hidden)], [Gru(hidden)] or [Rnn(hidden)]", "RnnModel(Steps = 3)"));

    [Fact]
    public void RNNG010_IsReportedEvenWhenSomethingElseIsWrong() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 0)]
            [VectorInput(2)]
            [LinearOutput(1)]
            """),
        ("RNNG010", "Model 'M' has no recurrent layer; add at least one [Lstm(hidden)], [Gru(hidden)] or [Rnn(hidden)]", "RnnModel(Steps = 0)"),
        ("RNNG005", "Steps = 0 is out of range; use a value from 1 to 4096", "Steps = 0"));

    [Fact]
    public void RNNG011_NoOutput() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4)]
            """),
        ("RNNG011", "Model 'M' has no output; add [SoftmaxOutput(classes)], [LinearOutput(size)] or [SigmoidOutput(size)]", "RnnModel(Steps = 3)"));

    [Fact]
    public void RNNG012_TwoOutputs() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            [SigmoidOutput(1)]
            """),
        ("RNNG012", "Model 'M' already has an output (LinearOutput); remove this [SigmoidOutput]", "SigmoidOutput(1)"));

    [Fact]
    public void NothingButRnnModel_ReportsEachMissingPart() => AssertDiagnostics(
        ModelSource("[RnnModel(Steps = 3)]"),
        ("RNNG008", "Model 'M' has no input; add [TokenInput(vocabulary)] or [VectorInput(size)]", "RnnModel(Steps = 3)"),
        ("RNNG010", "Model 'M' has no recurrent layer; add at least one [Lstm(hidden)], [Gru(hidden)] or [Rnn(hidden)]", "RnnModel(Steps = 3)"),
        ("RNNG011", "Model 'M' has no output; add [SoftmaxOutput(classes)], [LinearOutput(size)] or [SigmoidOutput(size)]", "RnnModel(Steps = 3)"));

    // ------------------------------------------------------------------ unreadable attributes

    [Fact]
    public void RNNG021_WrongArgumentType() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm("big")]
            [LinearOutput(1)]
            """),
        ("RNNG021", "The arguments of [Lstm] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model", "\"big\""));

    [Fact]
    public void RNNG021_UnresolvableNamedArgument() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = UnknownConst)]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG021", "The arguments of [RnnModel] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model", "Steps = UnknownConst"));

    [Fact]
    public void RNNG021_WrongNamedArgumentType() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = "many")]
            [VectorInput(2)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG021", "The arguments of [RnnModel] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model", "Steps = \"many\""));

    [Fact]
    public void RNNG021_ExtraArgument_PointsAtTheAttribute_AsTheCompilerDoes() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Rnn(4, 5)]
            [LinearOutput(1)]
            """),
        ("RNNG021", "The arguments of [Rnn] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model", "Rnn(4, 5)"));

    [Fact]
    public void RNNG021_MissingArgument_PointsAtTheAttribute_AndTheInputIsNotAlsoMissing() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG021", "The arguments of [VectorInput] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model", "VectorInput"));

    [Fact]
    public void RNNG021_UnreadableOutput_IsNotAlsoMissing() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4)]
            [SoftmaxOutput(Classes)]
            """),
        ("RNNG021", "The arguments of [SoftmaxOutput] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model", "Classes"));

    [Theory]
    [InlineData("Topology = Topology.ManyToMany, EndToken = 2", "[TokenInput(5)]", "[SoftmaxOutput(5)]", "EndToken = 2 applies to models that generate (Topology.OneToMany or Topology.EncoderDecoder), not Topology.ManyToMany; remove it")]
    [InlineData("Topology = Topology.EncoderDecoder, OutputSteps = 3, EndToken = 5", "[TokenInput(5)]", "[SoftmaxOutput(5)]", "EndToken = 5 must be a class id in [0, 5), or -1 for none")]
    [InlineData("Topology = Topology.EncoderDecoder, OutputSteps = 3, EndToken = -2", "[TokenInput(5)]", "[SoftmaxOutput(5)]", "EndToken = -2 must be a class id in [0, 5), or -1 for none")]
    [InlineData("Topology = Topology.EncoderDecoder, OutputSteps = 3, EndToken = 0", "[VectorInput(2)]", "[LinearOutput(2)]", "EndToken = 0 needs a [SoftmaxOutput] head: the end token is a class the model chooses; remove it")]
    public void RNNG034_EndTokenInvalid(string settings, string input, string output, string message) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3, {settings})]
            {input}
            [Gru(4)]
            {output}
            """),
        ("RNNG034", message, settings.Substring(settings.IndexOf("EndToken", System.StringComparison.Ordinal))));

    // ------------------------------------------------------------------ RNNG037

    [Theory]
    [InlineData("Projection = 4", 4)]
    [InlineData("Projection = 9", 4)]
    [InlineData("Projection = -1", 4)]
    [InlineData("Bidirectional = true, Projection = 3", 3)]
    public void RNNG037_ProjectionOutOfRange(string settings, int hidden) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3)]
            [TokenInput(5)]
            [Lstm({hidden}, {settings})]
            [SoftmaxOutput(5)]
            """),
        ("RNNG037", $"Projection = {settings.Substring(settings.IndexOf("Projection = ", StringComparison.Ordinal) + 13)} is out of range; h is projected to fewer units than the LSTM's {hidden}, so use a value with 0 < Projection < {hidden} (PyTorch's proj_size), or leave Projection out",
            settings.Substring(settings.IndexOf("Projection", StringComparison.Ordinal))));

    [Theory]
    [InlineData("Projection = 0")]
    [InlineData("Projection = 1")]
    [InlineData("Projection = 3")]
    public void RNNG037_ProjectionInRange_Generates(string settings)
    {
        GeneratorRun run = GeneratorHarness.Run(new[]
        {
            ModelSource($"""
                [RnnModel(Steps = 3)]
                [TokenInput(5)]
                [Lstm(4, {settings})]
                [SoftmaxOutput(5)]
                """),
        });

        RobustnessTests.AssertNoCrash(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
    }

    /// <summary>Projection = 0 is PyTorch's proj_size = 0, no projection: the generated code is the plain LSTM's, byte for byte.</summary>
    [Fact]
    public void ProjectionZero_GeneratesThePlainLstm()
    {
        string Generated(string layer) => GeneratorHarness.Run(new[]
        {
            ModelSource($"""
                [RnnModel(Steps = 3, Batch = 2)]
                [VectorInput(3)]
                {layer}
                [SoftmaxOutput(5)]
                """),
        }).SingleSource;

        string plain = Generated("[Lstm(4, Bidirectional = true)]");
        Assert.Equal(plain, Generated("[Lstm(4, Bidirectional = true, Projection = 0)]"));
        Assert.NotEqual(plain, Generated("[Lstm(4, Bidirectional = true, Projection = 2)]"));
    }

    /// <summary>A dropout probability of 0 drops nothing: the generated code is the model's without dropout, byte for byte.</summary>
    [Fact]
    public void DropoutZero_GeneratesTheModelWithoutDropout()
    {
        string Generated(string input, string layer) => GeneratorHarness.Run(new[]
        {
            ModelSource($"""
                [RnnModel(Steps = 3, Batch = 2)]
                {input}
                {layer}
                [SoftmaxOutput(5)]
                """),
        }).SingleSource;

        string plain = Generated("[VectorInput(3)]", "[Gru(4, Bidirectional = true)]");
        Assert.Equal(plain, Generated("[VectorInput(3, Dropout = 0)]", "[Gru(4, Bidirectional = true, Dropout = 0, RecurrentDropout = 0.0)]"));
        Assert.NotEqual(plain, Generated("[VectorInput(3)]", "[Gru(4, Bidirectional = true, RecurrentDropout = 0.1)]"));
    }

    [Theory]
    [InlineData("[Lstm(4, Dropout = 1)]", "Dropout = 1", "Dropout = 1 is not a dropout probability: it must be in [0, 1) (0: no dropout)")]
    [InlineData("[Gru(4, RecurrentDropout = -0.1)]", "RecurrentDropout = -0.1", "RecurrentDropout = -0.1 is not a dropout probability: it must be in [0, 1) (0: no dropout)")]
    [InlineData("[Rnn(4, Dropout = double.NaN)]", "Dropout = double.NaN", "Dropout = NaN is not a dropout probability: it must be in [0, 1) (0: no dropout)")]
    [InlineData("[Lstm(4, Bidirectional = true, RecurrentDropout = 1.5)]", "RecurrentDropout = 1.5", "RecurrentDropout = 1.5 is not a dropout probability: it must be in [0, 1) (0: no dropout)")]
    public void RNNG039_DropoutOutOfRange(string layer, string argument, string message) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            {layer}
            [LinearOutput(1)]
            """),
        ("RNNG039", message, argument));

    [Fact]
    public void RNNG039_InputDropoutOutOfRange() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2, Dropout = 2.0)]
            [Lstm(4)]
            [LinearOutput(1)]
            """),
        ("RNNG039", "Dropout = 2 is not a dropout probability: it must be in [0, 1) (0: no dropout)", "Dropout = 2.0"));

    [Fact]
    public void RNNG040_InputDropoutOnOneHotTokens() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [TokenInput(5, Dropout = 0.2)]
            [Lstm(4)]
            [SoftmaxOutput(5)]
            """),
        ("RNNG040", "Dropout on the input needs an Embedding: a one-hot token has nothing to drop but the whole token; declare Embedding = E, or drop the first layer's output instead", "Dropout = 0.2"));

    [Fact]
    public void RNNG040_InputDropoutOfAOneToManyModel() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 1, Topology = Topology.OneToMany, OutputSteps = 4)]
            [VectorInput(2, Dropout = 0.2)]
            [Lstm(4)]
            [LinearOutput(2)]
            """),
        ("RNNG040", "Dropout on the input of a one-to-many model: every step after the first reads the model's own output; drop a layer's output instead", "Dropout = 0.2"));

    /// <summary>An encoder–decoder's encoder may read both ways: its decoder layers are one-way and twice as wide.</summary>
    [Fact]
    public void A_bidirectional_encoder_is_no_error()
    {
        GeneratorRun run = GeneratorHarness.Run(ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3)]
            [TokenInput(5)]
            [Lstm(4, Bidirectional = true)]
            [Gru(4, Bidirectional = true)]
            [Attention(AttentionKind.Dot)]
            [SoftmaxOutput(5)]
            """));
        Assert.Empty(run.AllDiagnostics);
        Assert.Contains("decoder [LSTM(8) → GRU(8)] → dot attention", run.SingleSource);
    }

    // ------------------------------------------------------------------ RNNG041–042: attention

    [Theory]
    [InlineData("ManyToMany", 3, "")]
    [InlineData("ManyToOne", 3, "")]
    [InlineData("OneToMany", 1, ", OutputSteps = 3")]
    public void RNNG041_AttentionWithoutAnEncoderDecoder(string topology, int steps, string outputSteps) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = {steps}, Topology = Topology.{topology}{outputSteps})]
            [TokenInput(5)]
            [Lstm(4)]
            [Attention(AttentionKind.General)]
            [SoftmaxOutput(5)]
            """),
        ("RNNG041", $"[Attention] lets a decoder look back at its encoder's outputs, and Topology.{topology} has no encoder and decoder; use Topology.EncoderDecoder, or remove [Attention]", "Attention(AttentionKind.General)"));

    [Fact]
    public void RNNG042_AttentionTwice() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3)]
            [TokenInput(5)]
            [Lstm(4)]
            [Attention(AttentionKind.Dot)]
            [Attention(AttentionKind.Additive)]
            [SoftmaxOutput(5)]
            """),
        ("RNNG042", "'M' declares [Attention] more than once; a decoder has one attention, so keep one", "Attention(AttentionKind.Additive)"));

    [Fact]
    public void RNNG043_InputFeedingWithDropout() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3)]
            [TokenInput(5)]
            [Lstm(4)]
            [Lstm(4, Dropout = 0.2)]
            [Attention(AttentionKind.Dot, InputFeeding = true)]
            [SoftmaxOutput(5)]
            """),
        ("RNNG043", "InputFeeding = true runs the decoder one step at a time, which drops nothing, and layer 1 declares Dropout or RecurrentDropout; remove one of them", "InputFeeding = true"));

    [Fact]
    public void RNNG016_AttentionKindNotDefined() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3)]
            [TokenInput(5)]
            [Lstm(4)]
            [Attention((AttentionKind)7)]
            [SoftmaxOutput(5)]
            """),
        ("RNNG016", "kind = 7 is not a defined AttentionKind value; use one of: Dot, General, Additive", "(AttentionKind)7"));

    // ------------------------------------------------------------------ RNNG035–036: leaky RNN layers

    [Theory]
    [InlineData("Leak = 0", "0")]
    [InlineData("Leak = -0.5", "-0.5")]
    [InlineData("Leak = 1.5", "1.5")]
    [InlineData("Leak = 1.0000001", "1.0000001")]
    [InlineData("Leak = double.NaN", "NaN")]
    [InlineData("Leak = double.PositiveInfinity", "Infinity")]
    public void RNNG035_LeakOutOfRange(string argument, string shown) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Rnn(4, Bidirectional = true, {argument})]
            [LinearOutput(1)]
            """),
        ("RNNG035", $"Leak = {shown} is not in (0, 1]: α is the share of the new activation in h_t = (1 − α)⊙h_(t-1) + α⊙f(…); use a value above 0 and at most 1 (1 is the plain RNN)", argument));

    [Theory]
    [InlineData("Leak = 0.5, LearnedLeak = true", "0.5")]
    [InlineData("LearnedLeak = true, Leak = 1", "1")]
    public void RNNG036_LeakWithLearnedLeak(string arguments, string shown) => AssertDiagnostics(
        ModelSource($"""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Rnn(4, {arguments})]
            [LinearOutput(1)]
            """),
        ("RNNG036", $"Leak = {shown} and LearnedLeak = true both set this layer's leak: Leak fixes α, LearnedLeak learns it per unit; remove one of them", "LearnedLeak = true"));

    [Fact]
    public void Leak_on_an_lstm_does_not_exist() => AssertDiagnostics(
        ModelSource("""
            [RnnModel(Steps = 3)]
            [VectorInput(2)]
            [Lstm(4, Leak = 0.5)]
            [LinearOutput(1)]
            """),
        ("RNNG021", "The arguments of [Lstm] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model", "Leak = 0.5"));

    // ------------------------------------------------------------------ RNNG999 and the descriptor table

    /// <summary>RNNG999 cannot be provoked from source (the parser has no known crash); check how the parser's catch block reports it.</summary>
    [Fact]
    public void RNNG999_InternalError_Message()
    {
        var info = new DiagnosticInfo("RNNG999",
            new LocationInfo("Model.cs", new TextSpan(10, 5), new LinePositionSpan(new LinePosition(1, 2), new LinePosition(1, 7))),
            new[] { "InvalidOperationException: boom" }.ToEquatableArray());

        Diagnostic d = info.ToDiagnostic();

        Assert.Equal("RNNG999", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("RnnGen failed on this model (InvalidOperationException: boom); please report it with the declaration", d.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(new TextSpan(10, 5), d.Location.SourceSpan);
        Assert.Equal("Model.cs", d.Location.GetLineSpan().Path);
    }

    [Fact]
    public void DescriptorTable_HasTheExpectedIds_AllErrors()
    {
        // RNNG015 is a retired id: it is never reused.
        string[] expected = Enumerable.Range(1, 37).Concat(new[] { 39, 40, 41, 42, 43 }).Where(i => i != 15).Select(i => $"RNNG{i:000}").Append("RNNG999").ToArray();

        // A new id needs a test in this class, a row in AnalyzerReleases.Unshipped.md and in the README's table.
        Assert.Equal(expected, DiagnosticDescriptors.All.Keys.Order(StringComparer.Ordinal).ToArray());
        // Every id is an error but RNNG032 (a model attribute without [RnnModel] does nothing, which is not wrong code).
        Assert.All(DiagnosticDescriptors.All.Values, d => Assert.Equal(d.Id == "RNNG032" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, d.DefaultSeverity));
        Assert.All(DiagnosticDescriptors.All.Values, d => Assert.Equal("RnnGen", d.Category));
    }

    [Fact]
    public void DescriptorTable_MatchesAnalyzerReleases()
    {
        string generatorDirectory = Path.Combine(RepositoryRoot(), "Generator");
        var rows = File.ReadAllLines(Path.Combine(generatorDirectory, "AnalyzerReleases.Shipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(generatorDirectory, "AnalyzerReleases.Unshipped.md")))
            .Where(line => line.StartsWith("RNNG", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .ToDictionary(cells => cells[0]);

        Assert.Equal(DiagnosticDescriptors.All.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (DiagnosticDescriptor d in DiagnosticDescriptors.All.Values)
        {
            Assert.Equal(d.Category, rows[d.Id][1]);
            Assert.Equal(d.DefaultSeverity.ToString(), rows[d.Id][2]);
            Assert.Equal(d.Title.ToString(CultureInfo.InvariantCulture), rows[d.Id][3]);
        }
    }

    [Fact]
    public void DescriptorTable_MatchesTheReadmeDiagnosticsTable()
    {
        string[] readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        int section = Array.IndexOf(readme, "## Diagnostics");
        Assert.True(section >= 0, "README.md has no '## Diagnostics' section");
        var rows = readme.Skip(section + 1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\|\s*(RNNG\d{3})\s*\|\s*(.*)\|\s*$"))
            .Where(match => match.Success)
            .Select(match => (Id: match.Groups[1].Value, Retired: match.Groups[2].Value.StartsWith("(retired", StringComparison.Ordinal)))
            .ToArray();
        string[] listed = rows.Where(r => !r.Retired).Select(r => r.Id).ToArray();

        // Users look ids up there: every id the generator can report has one row. A retired id (RNNG015) keeps a row
        // that says so, so an id in an old build log still leads somewhere; the generator must not have it.
        Assert.Equal(DiagnosticDescriptors.All.Keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(rows.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count(), rows.Length);
        Assert.All(rows.Where(r => r.Retired), r => Assert.False(DiagnosticDescriptors.All.ContainsKey(r.Id), $"{r.Id} is marked retired in README.md but the generator still has it"));
    }

    [Theory]
    [InlineData("Steps")]
    [InlineData("Forward")]
    [InlineData("RnnLayout")]
    [InlineData("RnnForwardL0")]
    [InlineData("Logits")]
    [InlineData("BackwardFromLogits")]
    public void RNNG033_ClassNamedLikeAGeneratedMember(string name) => AssertDiagnostics(
        ModelSource(ValidAttributes, $"public partial class {name} {{ }}"),
        ("RNNG033", $"'{name}' is also the name of a member RnnGen generates into the class, and a member cannot have its class's name (CS0542); rename the class", name));

    [Fact]
    public void The_limits_users_read_are_the_limits_the_parser_enforces()
    {
        // Limits.cs is where the bounds live; the README and the attribute's documentation quote them.
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        string attribute = File.ReadAllText(Path.Combine(RepositoryRoot(), "Runtime", "Attributes", "RnnModelAttribute.cs"));
        Assert.Contains($"`Steps` (required, 1–{Limits.MaxSteps}), `Batch` = 1 (1–{Limits.MaxBatch})", readme);
        Assert.Contains($"| RNNG005 | `Steps` out of range (1–{Limits.MaxSteps}) |", readme);
        Assert.Contains($"| RNNG006 | `Batch` out of range (1–{Limits.MaxBatch}) |", readme);
        Assert.Contains($"(1 to {Limits.MaxSteps})", attribute);
    }

    // ------------------------------------------------------------------ names that must not collide

    [Fact]
    public void ModelsWhoseNamesDifferOnlyInCase_GenerateTwoFiles()
    {
        GeneratorRun run = GeneratorHarness.Run(
            ModelSource(ValidAttributes, "public partial class Model { }") + "\n/// <summary>B.</summary>\n" + ValidAttributes + "\npublic partial class MODEL { }");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[] { "Demo.MODEL.g.cs", "Demo.Model.2.g.cs" }, run.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        SnapshotTests.AssertNoWarnings(run);
    }

    [Fact]
    public void NestedAndNamespacedModelsWithTheSameDottedName_GenerateTwoFiles()
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using RnnGen;
            namespace Outer { /// <summary>A.</summary>
            {{ValidAttributes}} public partial class Model { } }
            /// <summary>Outer.</summary>
            public partial class Outer { /// <summary>B.</summary>
            {{ValidAttributes}} public partial class Model { } }
            """);

        // The declaration is itself an error (CS0101: a namespace and a class named Outer); the generator still writes
        // one file per model under distinct hint names instead of throwing on a duplicate.
        RobustnessTests.AssertNoCrash(run);
        Assert.Empty(run.Rnng);
        Assert.Equal(new[] { "Outer+Model.g.cs", "Outer.Model.g.cs" }, run.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(new[] { "CS0101" }, run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
    }

    // ------------------------------------------------------------------ helpers

    private static void AssertDiagnostics(string source, params (string Id, string Message, string At)[] expected) =>
        AssertDiagnostics(new[] { source }, expected);

    /// <summary>
    /// Asserts that the generator reports exactly <paramref name="expected"/> (ordered by file, then position, then id),
    /// all errors, and generates nothing, without crashing.
    /// </summary>
    private static void AssertDiagnostics(string[] sources, params (string Id, string Message, string At)[] expected)
    {
        GeneratorRun run = GeneratorHarness.Run(sources);

        RobustnessTests.AssertNoCrash(run);
        var actual = run.GeneratorDiagnostics
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => (d.Id, d.GetMessage(CultureInfo.InvariantCulture), DiagnosticText.SourceUnder(d, run.Input) ?? "(no source)"))
            .ToArray();
        Assert.Equal(expected, actual);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Empty(run.GeneratedSources);
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        for (string? dir = Path.GetDirectoryName(sourceFile); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "RnnGen.sln"))) return dir;
        }
        string project = typeof(DiagnosticTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RnnGen.Generator.Tests.ProjectDirectory").Value!;
        return Path.GetFullPath(Path.Combine(project, "..", ".."));
    }
}
