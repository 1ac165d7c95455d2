using System.Runtime.CompilerServices;
using RnnGen.Generator.Tests.Infrastructure;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Everything the user sees for a few thoroughly broken declarations — the generator's RNNG diagnostics and the
/// compiler's own — as <c>Snapshots/DiagnosticSnapshotTests.*.verified.txt</c>. DiagnosticTests asserts each id
/// exactly; these show how the diagnostics read together.
/// </summary>
public class DiagnosticSnapshotTests
{
    [Fact]
    public void EverySettingOfRnnModelWrong() => Verify("""
        using RnnGen;

        namespace Demo;

        /// <summary>Model.</summary>
        [RnnModel(Steps = 0, Batch = 0, Topology = (Topology)9, Precision = (Precision)3)]
        [TokenInput(5)]
        [Lstm(4)]
        [SoftmaxOutput(5)]
        public partial class M { }
        """);

    [Fact]
    public void EveryPartWrong() => Verify("""
        using RnnGen;

        namespace Demo;

        /// <summary>Model.</summary>
        [RnnModel(Steps = 3, Topology = Topology.ManyToOne, OutputSteps = 3)]
        [TokenInput(0, Embedding = -1)]
        [VectorInput(2)]
        [Lstm(0)]
        [Gru(-1, Bidirectional = true)]
        [Rnn(2, Nonlinearity = (Nonlinearity)4)]
        [Rnn(2, Bidirectional = true)]
        [SoftmaxOutput(1)]
        [LinearOutput(2)]
        public partial class M { }
        """);

    [Fact]
    public void LeakyLayersWrong() => Verify("""
        using RnnGen;

        namespace Demo;

        /// <summary>Model.</summary>
        [RnnModel(Steps = 3)]
        [VectorInput(2)]
        [Rnn(4, Leak = 0)]
        [Rnn(4, Leak = double.NaN)]
        [Rnn(4, Leak = 0.5, LearnedLeak = true)]
        [Gru(4, LearnedLeak = true)]
        [LinearOutput(2)]
        public partial class M { }
        """);

    [Fact]
    public void BrokenDeclarations() => Verify("""
        using RnnGen;

        namespace Demo;

        /// <summary>Not partial.</summary>
        [RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]
        public class NotPartial { }

        /// <summary>Static.</summary>
        [RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]
        public static partial class Static { }

        /// <summary>Struct.</summary>
        [RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]
        public partial struct Struct { }

        /// <summary>Record struct.</summary>
        [RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]
        public partial record struct RecordStruct;

        /// <summary>Generic.</summary>
        [RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]
        public partial class Generic<T> { }

        /// <summary>Not partial and generic.</summary>
        public class Outer<T>
        {
            /// <summary>Nested.</summary>
            [RnnModel(Steps = 3)] [VectorInput(2)] [Lstm(4)] [LinearOutput(1)]
            public partial class Nested { }
        }
        """);

    [Fact]
    public void UnreadableAttributes() => Verify("""
        using RnnGen;

        namespace Demo;

        /// <summary>Model.</summary>
        [RnnModel(Steps = UnknownConst, Batch = 2.5)]
        [TokenInput("five")]
        [Lstm]
        [Gru(3, 4)]
        [Rnn(4, Nonlinearity = 1)]
        [SoftmaxOutput(Classes)]
        public partial class M { }
        """);

    [Fact]
    public void SpreadOverPartialDeclarations() => Verify(
        """
        using RnnGen;

        namespace Demo;

        /// <summary>Model.</summary>
        [RnnModel(Steps = 3)]
        [TokenInput(5)]
        [Lstm(4)]
        public partial class M { }
        """,
        """
        using RnnGen;

        namespace Demo;

        [Gru(4)]
        [SoftmaxOutput(5)]
        public partial class M { }

        [RnnModel(Steps = 4)]
        public partial class M { }
        """);

    /// <summary>Generator diagnostics, then the compiler's (on the output compilation), formatted by <see cref="DiagnosticText"/>.</summary>
    private static void Verify(string source, string? second = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testMethod = "")
    {
        GeneratorRun run = second is null ? GeneratorHarness.Run(source) : GeneratorHarness.Run(source, second);

        RobustnessTests.AssertNoCrash(run);
        Assert.Empty(run.GeneratedSources);
        string text = "Generator:\n" + DiagnosticText.Format(run.GeneratorDiagnostics, run.Input)
            + "\nCompiler:\n" + DiagnosticText.Format(run.CompilationDiagnostics, run.Output);
        Snapshot.Verify(text, "txt", sourceFile, testMethod);
    }
}
