using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 6, Batch = 3, Topology = Topology.ManyToOne)]
[VectorInput(4)]
[Lstm(5, Bidirectional = true)]
[Lstm(3, Bidirectional = true)]
[LinearOutput(2)]
public partial class OnnxBiLstmRegressor { }

[RnnModel(Steps = 5, Batch = 2)]
[VectorInput(3)]
[Gru(4, Bidirectional = true)]
[SigmoidOutput(3)]
public partial class OnnxBiGruTagger { }

[RnnModel(Steps = 5, Batch = 2)]
[TokenInput(7)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[Rnn(3)]
[SoftmaxOutput(7)]
public partial class OnnxRnnLm { }

[RnnModel(Steps = 4, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Gru(4)]
[SoftmaxOutput(3)]
public partial class OnnxDoubleClassifier { }

// Generating models in single precision for the ONNX Loop export (OnnxGeneratingTests).

/// <summary>One-to-many over one-hot tokens, an LSTM under a GRU.</summary>
[RnnModel(Steps = 1, Batch = 3, Topology = Topology.OneToMany, OutputSteps = 5)]
[TokenInput(5)]
[Lstm(4)]
[Gru(3)]
[SoftmaxOutput(5)]
public partial class OnnxStackOneToMany { }

/// <summary>One-to-many over embedded tokens.</summary>
[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4)]
[TokenInput(6, Embedding = 3)]
[Gru(4)]
[SoftmaxOutput(6)]
public partial class OnnxGruOneToManyEmbedding { }

/// <summary>One-to-many over vectors: each sigmoid output is the next input.</summary>
[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4)]
[VectorInput(3)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[SigmoidOutput(3)]
public partial class OnnxRnnOneToManySigmoid { }

/// <summary>One-to-many with an end token (class 2).</summary>
[RnnModel(Steps = 1, Batch = 8, Topology = Topology.OneToMany, OutputSteps = 6, EndToken = 2)]
[TokenInput(5)]
[Rnn(6)]
[SoftmaxOutput(5)]
public partial class OnnxOneToManyWithEnd { }

/// <summary>Encoder–decoder over one-hot tokens, three layers of three cells, dropout (off at inference).</summary>
[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 5)]
[TokenInput(6)]
[Lstm(4, Dropout = 0.2)]
[Gru(3)]
[Rnn(3)]
[SoftmaxOutput(5)]
public partial class OnnxStackSeq2Seq { }

/// <summary>Encoder–decoder from vectors to tokens: the decoder reads one-hot tokens (the start token after the classes).</summary>
[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[VectorInput(3)]
[Gru(4)]
[SoftmaxOutput(4)]
public partial class OnnxVectorToTokensSeq2Seq { }

/// <summary>Encoder–decoder from embedded tokens to vectors (x_0 = 0, then each output).</summary>
[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(5, Embedding = 2)]
[Lstm(3)]
[LinearOutput(2)]
public partial class OnnxTokensToVectorsSeq2Seq { }
