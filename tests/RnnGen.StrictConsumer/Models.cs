using RnnGen;

namespace RnnGen.StrictConsumer
{
    /// <summary>An unsealed public model: the generated dispose pattern is the full one.</summary>
    [RnnModel(Steps = 40, Batch = 2)]
    [TokenInput(5)]
    [Lstm(4)]
    [Gru(3, Bidirectional = true)]
    [SoftmaxOutput(5)]
    public partial class OpenTagger
    {
    }

    /// <summary>A sealed model over vectors with a sigmoid head.</summary>
    [RnnModel(Steps = 3, Topology = Topology.ManyToOne)]
    [VectorInput(2)]
    [Rnn(3, Nonlinearity = Nonlinearity.Relu)]
    [SigmoidOutput(2)]
    public sealed partial class SealedClassifier
    {
    }

    /// <summary>An encoder–decoder in double precision.</summary>
    [RnnModel(Steps = 3, Topology = Topology.EncoderDecoder, OutputSteps = 2, Precision = Precision.Double)]
    [TokenInput(4, Embedding = 2)]
    [Lstm(3)]
    [SoftmaxOutput(4)]
    public sealed partial class DoubleTranslator
    {
    }

    /// <summary>A one-to-many model with a linear head, declared as a record.</summary>
    [RnnModel(Steps = 1, Topology = Topology.OneToMany, OutputSteps = 3)]
    [VectorInput(2)]
    [Gru(2)]
    [LinearOutput(2)]
    public sealed partial record Trajectory;
}
