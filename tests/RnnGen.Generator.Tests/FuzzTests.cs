using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generator.Tests.Infrastructure;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Property-based fuzzing of declarations (CsCheck, fixed seed): random attribute sets and orders, extreme and invalid
/// values, wrong argument types, duplicate and missing attributes, classes, records, structs and interfaces, partial or
/// not, nested, generic, in block, file-scoped or global namespaces. For each, the generator must not throw (no
/// CS8784/CS8785, no RNNG999), and the output must either compile without errors or carry an RNNG diagnostic located
/// inside the declaration. <c>RNNGEN_FUZZ_ITERATIONS</c> sets the count (default 1500; the long run in the README uses more).
/// </summary>
public class FuzzTests
{
    private static Gen<T> Pick<T>(params T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    private static readonly Gen<string> ModelAttribute =
        Gen.Select(
            Pick("", "Steps = 3", "Steps = 1", "Steps = 0", "Steps = -5", "Steps = 4096", "Steps = 4097", "Steps = int.MaxValue", "Steps = \"3\"", "Steps = 2.5", "Steps = UnknownConst"),
            Pick("", "", "Batch = 2", "Batch = 0", "Batch = -1", "Batch = 65536", "Batch = 70000", "Batch = true"),
            Pick("", "", "Topology = Topology.ManyToMany", "Topology = Topology.ManyToOne", "Topology = Topology.OneToMany", "Topology = Topology.EncoderDecoder", "Topology = (Topology)9", "Topology = 1"),
            Pick("", "", "", "OutputSteps = 2", "OutputSteps = 0", "OutputSteps = 5000"),
            Pick("", "", "Precision = Precision.Double", "Precision = (Precision)7"),
            Gen.Int[0, 9])
        .Select((steps, batch, topology, outputSteps, precision, form) =>
        {
            string args = string.Join(", ", new[] { steps, batch, topology, outputSteps, precision }.Where(a => a.Length > 0));
            return form switch { 0 => "", 1 => "[RnnModel]", 2 => "[RnnModel()]", _ => $"[RnnModel({args})]" };
        });

    private static readonly Gen<string> Input = Pick(
        "[TokenInput(5)]", "[TokenInput(5, Embedding = 3)]", "[TokenInput(0)]", "[TokenInput(5, Embedding = -1)]", "[VectorInput(3)]",
        "[VectorInput(-2)]", "[VectorInput(\"x\")]", "[TokenInput]", "[VectorInput(3, 4)]", "[TokenInput(vocabulary: 7)]");

    private static readonly Gen<string> Layer = Pick(
        "[Lstm(4)]", "[Gru(3)]", "[Rnn(2)]", "[Rnn(3, Nonlinearity = Nonlinearity.Relu)]", "[Lstm(4, Bidirectional = true)]", "[Gru(0)]",
        "[Lstm(-3)]", "[Rnn(2, Nonlinearity = (Nonlinearity)5)]", "[Lstm(\"big\")]", "[Gru(3, Bidirectional = 1)]", "[Lstm]", "[Gru(hidden: 2)]",
        "[Lstm(4, Projection = 2)]", "[Lstm(3, Bidirectional = true, Projection = 1)]", "[Lstm(3, Projection = 3)]", "[Gru(3, Projection = 1)]");

    private static readonly Gen<string> Output = Pick(
        "[SoftmaxOutput(5)]", "[SoftmaxOutput(1)]", "[LinearOutput(3)]", "[SigmoidOutput(2)]", "[LinearOutput(0)]", "[SoftmaxOutput(3)]", "[SigmoidOutput(5)]");

    /// <summary>The attributes, shuffled: 0–2 inputs, 0–3 layers, 0–2 outputs, the model attribute once or twice or not at all.</summary>
    private static readonly Gen<string[]> Attributes =
        Gen.Select(ModelAttribute, ModelAttribute, Gen.Int[0, 9], Input.Array[0, 2], Layer.Array[0, 3], Output.Array[0, 2])
            .SelectMany((model, second, twice, inputs, layers, outputs) =>
            {
                var all = new List<string>();
                if (model.Length > 0) all.Add(model);
                if (twice == 0 && second.Length > 0) all.Add(second);
                all.AddRange(inputs);
                all.AddRange(layers);
                all.AddRange(outputs);
                return Gen.Shuffle(all.ToArray());
            });

    private static readonly Gen<string> TypeHeader = Gen.Select(
        Pick("partial class", "partial class", "partial class", "class", "static partial class", "abstract partial class", "sealed partial class",
            "partial record", "partial struct", "partial record struct", "partial interface"),
        Pick("M", "Model", "@class", "Ünïcödé"),
        Pick("", "", "", "<T>"),
        (kind, name, generic) => $"public {kind} {name}{generic}");

    private static readonly Gen<(string Open, string Close)> Container = Pick(
        ("", ""), ("", ""), ("public partial class Outer {", "}"), ("public class Outer {", "}"), ("public partial class Outer<T> {", "}"),
        ("public partial struct S {", "}"), ("public partial record R {", "}"), ("public partial class A { public partial class B {", "} }"));

    private static readonly Gen<(string Open, string Close)> Namespace = Pick(
        ("", ""), ("namespace Demo;", ""), ("namespace Demo.Deep {", "}"), ("namespace @event;", ""));

    private static readonly Gen<(string Source, int Start, int End)> Declarations =
        Gen.Select(Attributes, TypeHeader, Container, Namespace).Select((attributes, header, container, ns) =>
        {
            string prefix = $"using RnnGen;\n{ns.Open}\n{container.Open}\n";
            string declaration = string.Join("\n", attributes) + $"\n{header} {{ }}";
            string source = prefix + declaration + $"\n{container.Close}\n{ns.Close}\n";
            return (source, prefix.Length, prefix.Length + declaration.Length);
        });

    private static long Iterations => long.TryParse(Environment.GetEnvironmentVariable("RNNGEN_FUZZ_ITERATIONS"), out long n) && n > 0 ? n : 1500;

    [Fact]
    public void Generated_declarations_compile_or_get_an_rnng_diagnostic_inside_them()
    {
        Declarations.Sample(((string Source, int Start, int End) d) =>
        {
            GeneratorRun run = GeneratorHarness.Run(d.Source);
            RobustnessTests.AssertNoCrash(run);
            Assert.DoesNotContain(run.Rnng, x => x.Id == "RNNG999");
            bool errors = run.CompilationDiagnostics.Any(x => x.Severity == DiagnosticSeverity.Error);
            if (!errors) return;
            var declaration = TextSpan.FromBounds(d.Start, d.End);
            Assert.True(run.Rnng.Any(x => x.Location.IsInSource || x.Location.Kind == LocationKind.ExternalFile ? declaration.Contains(x.Location.SourceSpan) : false),
                "Compile errors without an RNNG diagnostic in the declaration:\n" + d.Source + "\n" + DiagnosticText.Format(run.CompilationDiagnostics.Where(x => x.Severity == DiagnosticSeverity.Error), run.Output));
        }, seed: Environment.GetEnvironmentVariable("RNNGEN_FUZZ_SEED") ?? "0000000000001", iter: Iterations, print: d => d.Source.Replace("\n", " ⏎ "));
    }
}
