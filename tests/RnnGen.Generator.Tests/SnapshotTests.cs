using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Tests.Infrastructure;

namespace RnnGen.Generator.Tests;

/// <summary>
/// The generated source of representative models, compared with <c>Snapshots/SnapshotTests.*.verified.cs</c>: whole
/// files for a few models (one per topology family), and for the rest only the members that show what the test is about
/// (as Mapperly's tests pin a method body), so a change to one emitter shows in the snapshots that exercise it.
/// Every case must also compile with zero warnings (nullable on, every warning wave, documentation checked).
/// Sizes are tiny on purpose: the snapshots are for reading. When the emitter changes on purpose, re-accept with
/// <c>RNNGEN_ACCEPT_SNAPSHOTS=1 dotnet test tests/RnnGen.Generator.Tests -c Release</c> and review the diff.
/// </summary>
public class SnapshotTests
{
    [Fact]
    public void CharLstm() => Verify("Demo.CharLstm.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Character language model: one-hot tokens, two LSTM layers, a softmax at every step.</summary>
        [RnnModel(Steps = 3, Batch = 2)]
        [TokenInput(5)]
        [Lstm(4)]
        [Lstm(3)]
        [SoftmaxOutput(5)]
        public partial class CharLstm { }
        """);

    [Fact]
    public void GruClassifierWithEmbedding() => Verify("Demo.Sentiment.GruClassifier.g.cs", """
        using RnnGen;

        namespace Demo.Sentiment;

        /// <summary>Sequence classifier: learned embedding, a GRU, one softmax after the last step.</summary>
        [RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne)]
        [TokenInput(6, Embedding = 3)]
        [Gru(4)]
        [SoftmaxOutput(2)]
        public partial class GruClassifier { }
        """);

    [Fact]
    public void TanhRnnRegression() => VerifyParts("Demo.TanhRegression.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Vector input, a tanh RNN, a linear output at every step (squared error).</summary>
        [RnnModel(Steps = 3, Batch = 2)]
        [VectorInput(3)]
        [Rnn(4)]
        [LinearOutput(2)]
        public partial class TanhRegression { }
        """, new[] { "RnnForwardL0*", "RnnBackwardL0*", "RnnLossCore" });

    [Fact]
    public void ReluRnn() => VerifyParts("Demo.ReluRnn.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A relu RNN over vectors, many-to-one regression.</summary>
        [RnnModel(Steps = 3, Topology = Topology.ManyToOne)]
        [VectorInput(2)]
        [Rnn(3, Nonlinearity = Nonlinearity.Relu)]
        [LinearOutput(1)]
        public partial class ReluRnn { }
        """, new[] { "RnnForwardL0Steps*", "RnnBackwardL0Steps*", "RnnBackwardCore" });

    [Fact]
    public void BidirectionalLstmTagger() => Verify("Demo.Tagger.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A bidirectional LSTM over embeddings, a tag at every step.</summary>
        [RnnModel(Steps = 3, Batch = 2)]
        [TokenInput(6, Embedding = 3)]
        [Lstm(2, Bidirectional = true)]
        [SoftmaxOutput(4)]
        public partial class Tagger { }
        """);

    [Fact]
    public void BidirectionalGruManyToOne() => VerifyParts("Demo.BiGruClassifier.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A bidirectional GRU classifier: the head reads the forward h after the last step and the reverse h after step 0.</summary>
        [RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne)]
        [VectorInput(2)]
        [Gru(2, Bidirectional = true)]
        [SoftmaxOutput(2)]
        public partial class BiGruClassifier { }
        """, new[] { "RnnForwardHead", "RnnBackwardCore", "RnnSaveState" });

    [Fact]
    public void OneToManyGenerator() => Verify("Demo.Generator.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>One token in, four generated tokens out; each prediction is the next input.</summary>
        [RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4)]
        [TokenInput(5)]
        [Gru(3)]
        [SoftmaxOutput(5)]
        public partial class Generator { }
        """);

    [Fact]
    public void GeneratorWithEndToken() => VerifyParts("Demo.Ender.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Generated sequences that end where each lane chooses class 0.</summary>
        [RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, EndToken = 0)]
        [TokenInput(5)]
        [Gru(3)]
        [SoftmaxOutput(5)]
        public partial class Ender { }
        """, new[] { "EndToken", "GeneratedLengths", "RnnDecode" });

    [Fact]
    public void EncoderDecoderWithEmbeddings() => Verify("Demo.Translator.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A sequence-to-sequence model: an LSTM encoder whose final state starts an LSTM decoder.</summary>
        [RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 2)]
        [TokenInput(6, Embedding = 2)]
        [Lstm(3)]
        [SoftmaxOutput(4)]
        public partial class Translator { }
        """);

    [Fact]
    public void BidirectionalRnnRegression() => VerifyParts("Demo.BiRnnRegression.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A bidirectional tanh RNN reading vectors, a linear output per step.</summary>
        [RnnModel(Steps = 3, Batch = 2)]
        [VectorInput(2)]
        [Rnn(3, Bidirectional = true)]
        [LinearOutput(2)]
        public partial class BiRnnRegression { }
        """, new[] { "RnnForwardL0", "RnnBackwardL0", "RnnForwardL0ReverseSteps*", "RnnBackwardL0ReverseSteps*" });

    [Fact]
    public void OneToManyVectorLstm() => VerifyParts("Demo.TrajectoryLstm.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>One vector in, three vectors out; each output is fed back as the next input (teacher forcing in training).</summary>
        [RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 3)]
        [VectorInput(2)]
        [Lstm(3)]
        [LinearOutput(2)]
        public partial class TrajectoryLstm { }
        """, new[] { "RnnLoadTeacher", "RnnDecode*" });

    [Fact]
    public void OneToManyReluRnnWithEmbedding() => VerifyParts("Demo.MelodyRnn.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>One token in, five tokens out from a ReLU RNN over a learned embedding; each prediction is the next input.</summary>
        [RnnModel(Steps = 1, Batch = 1, Topology = Topology.OneToMany, OutputSteps = 5)]
        [TokenInput(4, Embedding = 2)]
        [Rnn(3, Nonlinearity = Nonlinearity.Relu)]
        [SoftmaxOutput(4)]
        public partial class MelodyRnn { }
        """, new[] { "RnnForwardCore", "RnnLoadTeacher", "RnnDecode*" });

    [Fact]
    public void EncoderDecoderGruOneHot() => VerifyParts("Demo.GruTranslator.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A one-hot GRU encoder whose final state starts a GRU decoder.</summary>
        [RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 2)]
        [TokenInput(4)]
        [Gru(3)]
        [SoftmaxOutput(4)]
        public partial class GruTranslator { }
        """, new[] { "RnnLoadTeacher", "RnnDecode*", "RnnBackwardEncoderL0" });

    [Fact]
    public void AttentionOverABidirectionalEncoder() => VerifyParts("Demo.DateNormaliser.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A bidirectional LSTM encoder, a decoder twice as wide, additive attention over the encoder's outputs.</summary>
        [RnnModel(Steps = 4, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 3)]
        [TokenInput(6, Embedding = 3)]
        [Lstm(3, Bidirectional = true)]
        [Attention(AttentionKind.Additive)]
        [SoftmaxOutput(5)]
        public partial class DateNormaliser { }
        """, new[] { "RnnForwardCore", "RnnBridgeState*", "RnnLoadAttentionMemory", "RnnForwardAttention", "RnnBackwardAttention*", "RnnBackwardFromDz", "RnnBackwardEncoderL0", "AttentionWeights" });

    [Fact]
    public void AttentionWithInputFeeding() => VerifyParts("Demo.FedTranslator.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A GRU encoder–decoder whose decoder also reads the previous attentional state (Luong's input feeding).</summary>
        [RnnModel(Steps = 4, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 3)]
        [TokenInput(6, Embedding = 3)]
        [Gru(3)]
        [Attention(AttentionKind.General, InputFeeding = true)]
        [SoftmaxOutput(5)]
        public partial class FedTranslator { }
        """, new[] { "RnnForwardCore", "RnnDecodeDecoderL0", "RnnForwardFedDecoder", "RnnBackwardFedDecoder*", "RnnBackwardAttention*", "RnnDecoderStepDecoderL0" });

    [Fact]
    public void EncoderDecoderRnnVector() => VerifyParts("Demo.RnnSeq2Seq.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A vector-to-vector sequence model with tanh RNN encoder and decoder.</summary>
        [RnnModel(Steps = 2, Batch = 1, Topology = Topology.EncoderDecoder, OutputSteps = 2)]
        [VectorInput(2)]
        [Rnn(2)]
        [LinearOutput(2)]
        public partial class RnnSeq2Seq { }
        """, new[] { "RnnLoadTeacher", "RnnDecode", "RnnBackwardDecoderL0" });

    [Fact]
    public void SigmoidOutput() => VerifyParts("Demo.MultiLabel.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Independent binary labels at every step (binary cross-entropy).</summary>
        [RnnModel(Steps = 2, Batch = 2)]
        [VectorInput(3)]
        [Lstm(3)]
        [SigmoidOutput(2)]
        public partial class MultiLabel { }
        """, new[] { "RnnForwardHead", "RnnLossCore", "RnnBackwardCore", "Step" });

    [Fact]
    public void ProjectedLstmStack() => Verify("Demo.ProjectedTagger.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>LSTMP: a bidirectional projected LSTM (h = (o⊙tanh c)·W_hrᵀ, 2 wide) under a plain one, a tag at every step.</summary>
        [RnnModel(Steps = 2, Batch = 2)]
        [VectorInput(3)]
        [Lstm(4, Bidirectional = true, Projection = 2)]
        [Lstm(3)]
        [SoftmaxOutput(3)]
        public partial class ProjectedTagger { }
        """);

    [Fact]
    public void ProjectedLstmOneToMany() => VerifyParts("Demo.ProjectedTrajectory.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A projected LSTM generating step by step: free-running decoding and single steps.</summary>
        [RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 2)]
        [VectorInput(2)]
        [Lstm(3, Projection = 2)]
        [LinearOutput(2)]
        public partial class ProjectedTrajectory { }
        """, new[] { "RnnDecode*", "Step", "RnnBackwardL0*" });

    [Fact]
    public void MixedStack() => VerifyParts("Demo.Mixed.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A GRU, then an LSTM, then a tanh RNN: each layer uses its own index k in the tensor names.</summary>
        [RnnModel(Steps = 2, Batch = 2)]
        [TokenInput(4, Embedding = 2)]
        [Gru(3)]
        [Lstm(3)]
        [Rnn(2)]
        [SoftmaxOutput(4)]
        public partial class Mixed { }
        """, new[] { "RnnLayout", "RnnForwardL0", "RnnForwardL1", "RnnForwardL2", "Step" });

    [Fact]
    public void DropoutEverywhere() => Verify("Demo.RegularizedTagger.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Dropout of the embedded input, of each layer's output, and variational dropout of h_(t-1), in packed rows.</summary>
        [RnnModel(Steps = 3, Batch = 2)]
        [TokenInput(5, Embedding = 3, Dropout = 0.1)]
        [Lstm(4, Dropout = 0.3, RecurrentDropout = 0.25)]
        [Gru(3, Bidirectional = true, RecurrentDropout = 0.5)]
        [SoftmaxOutput(5)]
        public partial class RegularizedTagger { }
        """);

    [Fact]
    public void DropoutInAnEncoderDecoder() => VerifyParts("Demo.DroppingTranslator.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Dropout in both stacks of an encoder–decoder; free-running decoding drops nothing.</summary>
        [RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 2)]
        [TokenInput(5, Embedding = 3)]
        [Rnn(4, Dropout = 0.2, RecurrentDropout = 0.4)]
        [SoftmaxOutput(5)]
        public partial class DroppingTranslator { }
        """, new[] { "RnnForwardCore", "RnnDrawDropoutMasks", "RnnForwardEncoderL0", "RnnForwardDecoderL0", "RnnForwardDecoderL0Steps0To1", "RnnBackwardDecoderL0", "RnnBackwardDecoderL0Steps1To0", "RnnDecode" });

    [Fact]
    public void DoublePrecision() => VerifyParts("Demo.GradientCheck.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>The same kind of model over double, as used by gradient checks.</summary>
        [RnnModel(Steps = 2, Batch = 2, Precision = Precision.Double)]
        [TokenInput(4)]
        [Lstm(3)]
        [SoftmaxOutput(4)]
        public partial class GradientCheck { }
        """, new[] { "RnnInverseBatch", "Parameters", "RnnForwardL0Steps*", "RnnLossCore" });

    [Fact]
    public void SeventySteps_AreBlocksOfSixteen_WithOneMethodForTheMiddleBlocks() => VerifyParts("Demo.LongSequence.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>70 steps each way: blocks 0–15 and 64–69 have methods of their own, the three blocks between share one.</summary>
        [RnnModel(Steps = 70, Topology = Topology.ManyToOne)]
        [VectorInput(1)]
        [Rnn(2, Bidirectional = true)]
        [LinearOutput(1)]
        public partial class LongSequence { }
        """, new[] { "RnnForwardL0", "RnnForwardL0Block", "RnnForwardL0ReverseBlock", "RnnBackwardL0", "RnnBackwardL0Block", "RnnBackwardL0ReverseBlock" });

    [Fact]
    public void NestedInPartialContainingTypes() => VerifyParts("Demo.Zoo+Cage+Tagger.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Outer type.</summary>
        public static partial class Zoo
        {
            /// <summary>Middle type.</summary>
            public partial record struct Cage
            {
                /// <summary>A model nested two levels deep.</summary>
                [RnnModel(Steps = 2)]
                [TokenInput(3)]
                [Gru(2)]
                [SoftmaxOutput(3)]
                public partial class Tagger { }
            }
        }
        """, new[] { "#declaration" });

    [Fact]
    public void GlobalNamespace() => VerifyParts("Global.g.cs", """
        using RnnGen;

        /// <summary>A model in the global namespace.</summary>
        [RnnModel(Steps = 2)]
        [VectorInput(2)]
        [Rnn(2)]
        [LinearOutput(1)]
        public partial class Global { }
        """, new[] { "#declaration" });

    [Fact]
    public void PartialRecord() => VerifyParts("Demo.RecordModel.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A model declared as a record class.</summary>
        [RnnModel(Steps = 2)]
        [VectorInput(2)]
        [Gru(2)]
        [LinearOutput(1)]
        public partial record RecordModel;
        """, new[] { "#declaration" });

    [Fact]
    public void KeywordIdentifiers() => VerifyParts("event.fixed.class.g.cs", """
        using RnnGen;

        namespace @event.@fixed;

        /// <summary>Namespace and class names that are C# keywords, written with @.</summary>
        [RnnModel(Steps = 2)]
        [TokenInput(3)]
        [Rnn(2)]
        [SoftmaxOutput(3)]
        internal partial class @class { }
        """, new[] { "#declaration" });

    [Fact]
    public void LeakyRnn() => Verify("Demo.LeakyTagger.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>Leaky units: a constant leak under a learned one per unit, in both directions.</summary>
        [RnnModel(Steps = 3, Batch = 2)]
        [VectorInput(3)]
        [Rnn(4, Leak = 0.5)]
        [Rnn(3, LearnedLeak = true, Bidirectional = true)]
        [SoftmaxOutput(2)]
        public partial class LeakyTagger { }
        """);

    [Fact]
    public void LeakyRnn_OneToManyAtBatchOne() => VerifyParts("Demo.LeakyMelody.g.cs", """
        using RnnGen;

        namespace Demo;

        /// <summary>A learned leak in a generator at batch 1 (W_hh read in place), with single-step inference.</summary>
        [RnnModel(Steps = 1, Batch = 1, Topology = Topology.OneToMany, OutputSteps = 3, Precision = Precision.Double)]
        [TokenInput(4)]
        [Rnn(3, LearnedLeak = true, Nonlinearity = Nonlinearity.Relu)]
        [SoftmaxOutput(4)]
        public partial class LeakyMelody { }
        """, new[] { "RnnForwardL0*", "RnnBackwardL0*", "RnnDecode*", "Step" });

    [Theory]
    [InlineData("Rnn(4, Leak = 1)")]
    [InlineData("Rnn(4, Leak = 1.0, LearnedLeak = false)")]
    public void Leak_of_one_emits_the_plain_rnn(string layer)
    {
        string Source(string rnn) => $$"""
            using RnnGen;
            namespace Demo;
            /// <summary>Plain or leaky.</summary>
            [RnnModel(Steps = 20, Batch = 2)]
            [VectorInput(3)]
            [{{rnn}}]
            [Rnn(2, Bidirectional = true)]
            [LinearOutput(1)]
            public partial class M { }
            """;
        GeneratorRun plain = GeneratorHarness.Run(Source("Rnn(4)")), leakOne = GeneratorHarness.Run(Source(layer));
        Assert.Empty(leakOne.GeneratorDiagnostics);
        Assert.Equal(plain.SingleSource, leakOne.SingleSource);
        Assert.DoesNotContain("Leaky", plain.SingleSource);
    }

    [Fact]
    public void Generated_source_grows_with_the_layers_not_the_steps()
    {
        // 8 bidirectional layers: at Steps = 4096 the source must stay close to its size at Steps = 64 (once 46 MB,
        // 6 GB of compiler memory). Each Steps value > 32 has the same blocks: first, shared middle, last.
        int Length(int steps) => Assert.Single(GeneratorHarness.Run($$"""
            using RnnGen;
            namespace Demo;
            /// <summary>Deep.</summary>
            [RnnModel(Steps = {{steps}}, Batch = 2)]
            [VectorInput(4)]
            {{string.Concat(Enumerable.Repeat("[Lstm(4, Bidirectional = true)]\n", 8))}}
            [LinearOutput(1)]
            public partial class Deep { }
            """).GeneratedSources).Text.Length;
        int small = Length(64), large = Length(4096);
        Assert.True(large < 2_000_000, $"{large} characters at Steps = 4096");
        Assert.True(large < small * 1.02, $"{small} characters at Steps = 64, {large} at Steps = 4096");
    }

    /// <summary>
    /// Runs the generator on <paramref name="source"/>, asserts one file named <paramref name="hintName"/>, no generator
    /// diagnostics, no compiler warning or error in the result, then compares the file with the test's snapshot.
    /// </summary>
    private static void Verify(string hintName, string source, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testMethod = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Empty(run.GeneratorDiagnostics);
        (string actualHint, string text) = Assert.Single(run.GeneratedSources);
        Assert.Equal(hintName, actualHint);
        AssertNoWarnings(run);
        Snapshot.Verify(text, "cs", sourceFile, testMethod);
    }

    /// <summary>
    /// Like <see cref="Verify"/>, but the snapshot holds only the members named by <paramref name="parts"/>, in source
    /// order: a name, a prefix ending in <c>*</c>, or <c>#declaration</c> for everything up to the model class's
    /// opening brace (header, namespace, containing types, the class line). A part that matches nothing fails.
    /// </summary>
    private static void VerifyParts(string hintName, string source, string[] parts, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testMethod = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Empty(run.GeneratorDiagnostics);
        (string actualHint, string text) = Assert.Single(run.GeneratedSources);
        Assert.Equal(hintName, actualHint);
        AssertNoWarnings(run);
        Snapshot.Verify(GeneratedParts.Select(text, parts), "cs", sourceFile, testMethod);
    }

    internal static void AssertNoWarnings(GeneratorRun run)
    {
        Diagnostic[] problems = run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0,
            "The generated code must compile without warnings:\n" + DiagnosticText.Format(problems, run.Output));
    }
}
