namespace RnnGen.Models.Tests.Models;

// Dropout: gradient checks (double) over every place a mask goes — the input, a layer's output on its way up, h_(t-1) in
// the recurrent product — in every cell, topology, direction and stack; probes whose output shows a mask; twins that
// differ only in their dropout.

[RnnModel(Steps = 5, Batch = 3, Precision = Precision.Double)]
[TokenInput(6)]
[Lstm(4, Dropout = 0.3, RecurrentDropout = 0.4)]
[Gru(3, Bidirectional = true, Dropout = 0.5, RecurrentDropout = 0.3)]
[SoftmaxOutput(5)]
public partial class DropoutLstmGruTagger { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3, Dropout = 0.25)]
[Rnn(4, Bidirectional = true, Dropout = 0.2, RecurrentDropout = 0.5)]
[LinearOutput(2)]
public partial class DropoutBiRnnRegressor { }

[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[TokenInput(7, Embedding = 3, Dropout = 0.3)]
[Gru(4, RecurrentDropout = 0.5)]
[Rnn(3, Nonlinearity = Nonlinearity.Relu, Dropout = 0.4)]
[SigmoidOutput(2)]
public partial class DropoutEmbeddingGruTagger { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3, Dropout = 0.2)]
[Lstm(4, Dropout = 0.3, RecurrentDropout = 0.3)]
[Gru(3, Dropout = 0.25, RecurrentDropout = 0.4)]
[SoftmaxOutput(5)]
public partial class DropoutSeq2Seq { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(4, Dropout = 0.3, RecurrentDropout = 0.5)]
[LinearOutput(3)]
public partial class DropoutVectorGenerator { }

/// <summary>
/// A probe of recurrent dropout: with W_ih = 1, W_hh = I, no biases and relu, an input of 1 at step 0 and 0 after gives
/// h_0 = 1 and h_t = relu(h_(t-1)⊙m) = h_(t-1)⊙m, so the identity head shows the mask m at every step.
/// </summary>
[RnnModel(Steps = 6, Batch = 4)]
[VectorInput(1)]
[Rnn(32, Nonlinearity = Nonlinearity.Relu, RecurrentDropout = 0.5)]
[LinearOutput(32)]
public partial class RecurrentDropoutProbe { }

/// <summary>A probe of output dropout: with h = 1 everywhere (bias 1, no weights, relu) the identity head shows the mask.</summary>
[RnnModel(Steps = 16, Batch = 8)]
[VectorInput(1)]
[Rnn(64, Nonlinearity = Nonlinearity.Relu, Dropout = 0.3)]
[LinearOutput(64)]
public partial class OutputDropoutProbe { }

/// <summary>The twin of <see cref="PlainTwin"/> with dropout everywhere it can be.</summary>
[RnnModel(Steps = 12, Batch = 4)]
[TokenInput(11, Embedding = 6, Dropout = 0.2)]
[Lstm(16, Dropout = 0.5, RecurrentDropout = 0.5)]
[Gru(8, Dropout = 0.3, RecurrentDropout = 0.25)]
[SoftmaxOutput(11)]
public partial class DropoutTwin { }

[RnnModel(Steps = 12, Batch = 4)]
[TokenInput(11, Embedding = 6)]
[Lstm(16)]
[Gru(8)]
[SoftmaxOutput(11)]
public partial class PlainTwin { }

/// <summary>A stream model with recurrent dropout, for <see cref="StreamTrainer{T}"/>.</summary>
[RnnModel(Steps = 8, Batch = 4)]
[TokenInput(9)]
[Lstm(12, Dropout = 0.3, RecurrentDropout = 0.3)]
[SoftmaxOutput(9)]
public partial class DropoutStreamModel { }

/// <summary>Dropout through leaky units: the leaky cell's h_(t-1) term stays unmasked, its recurrent product's gradient goes through m.</summary>
[RnnModel(Steps = 4, Batch = 3, Precision = Precision.Double)]
[VectorInput(2)]
[Rnn(4, Leak = 0.3, Dropout = 0.2, RecurrentDropout = 0.4)]
[Rnn(3, LearnedLeak = true, Bidirectional = true, RecurrentDropout = 0.5)]
[LinearOutput(2)]
public partial class DropoutLeakyTagger { }
