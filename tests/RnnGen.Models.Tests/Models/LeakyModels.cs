// Leaky RNN layers ([Rnn(h, Leak = α)] and [Rnn(h, LearnedLeak = true)]): gradient checks over every topology, stacks,
// both directions and packed rows; a reference forward; Leak = 1 against the plain RNN; Step; allocations.
using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 3, Batch = 2, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3, Leak = 0.3)]
[LinearOutput(2)]
public partial class LeakyRnnManyToManyVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3, LearnedLeak = true)]
[SoftmaxOutput(3)]
public partial class LearnedLeakRnnManyToOneOneHotSoftmax { }

// Batch 1: W_hh is read in place (not packed), so the blocks read the parameters themselves.
[RnnModel(Steps = 4, Batch = 1, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3, LearnedLeak = true, Nonlinearity = Nonlinearity.Relu)]
[SigmoidOutput(2)]
public partial class LearnedLeakReluRnnBatchOne { }

[RnnModel(Steps = 3, Batch = 3, Precision = Precision.Double)]
[VectorInput(2)]
[Rnn(3, Leak = 0.4, Bidirectional = true)]
[Rnn(2, LearnedLeak = true, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class LeakyBiRnnStackVectorSoftmax { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(2)]
[Gru(2)]
[Rnn(3, LearnedLeak = true, Bidirectional = true)]
[LinearOutput(2)]
public partial class LearnedLeakBiRnnOverGruManyToOne { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3, LearnedLeak = true)]
[Rnn(2, Leak = 0.6)]
[SoftmaxOutput(4)]
public partial class LeakyRnnOneToManyOneHot { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3, Leak = 0.5)]
[Rnn(2, LearnedLeak = true)]
[SoftmaxOutput(3)]
public partial class LeakyRnnEncoderDecoderVectorSoftmax { }

// Steps beyond one method's block: the blocks' methods are shared across steps (an offset argument).
[RnnModel(Steps = 40, Batch = 2, Precision = Precision.Double)]
[TokenInput(3)]
[Rnn(2, LearnedLeak = true, Bidirectional = true)]
[LinearOutput(1)]
public partial class SharedBlocksLearnedLeakBiRnn { }

// Leak = 1 is the plain RNN: the same code as PlainRnnForLeakOne, bit for bit.
[RnnModel(Steps = 5, Batch = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(4, Leak = 1, Bidirectional = true)]
[LinearOutput(2)]
public partial class LeakOneRnn { }

[RnnModel(Steps = 5, Batch = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(4, Bidirectional = true)]
[LinearOutput(2)]
public partial class PlainRnnForLeakOne { }

// The reference forward: a constant leak under a learned one, relu on top, both directions.
[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3, Leak = 0.25)]
[Rnn(2, LearnedLeak = true, Nonlinearity = Nonlinearity.Relu, Bidirectional = true)]
[LinearOutput(2)]
public partial class LeakyReferenceModel { }

// Step (single-step inference) against Forward, in single precision as it runs in practice.
[RnnModel(Steps = 6, Batch = 3)]
[TokenInput(5, Embedding = 4)]
[Rnn(8, Leak = 0.2)]
[Rnn(8, LearnedLeak = true)]
[SoftmaxOutput(5)]
public partial class LeakyStepModel { }

[RnnModel(Steps = 32, Batch = 4)]
[VectorInput(8)]
[Rnn(16, LearnedLeak = true)]
[Rnn(16, Leak = 0.1, Bidirectional = true)]
[LinearOutput(3)]
public partial class LeakyAllocationModel { }
