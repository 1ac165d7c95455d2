using RnnGen;

namespace RnnGen.Models.Tests.Models;

// Single-unit models whose outputs were worked out by hand (with a calculator: Python's math module) from the equations.

[RnnModel(Steps = 2, Batch = 1, Precision = Precision.Double)]
[VectorInput(1)]
[Rnn(1)]
[LinearOutput(1)]
public partial class UnitRnn { }

[RnnModel(Steps = 2, Batch = 1, Precision = Precision.Double)]
[VectorInput(1)]
[Lstm(1)]
[LinearOutput(1)]
public partial class UnitLstm { }

[RnnModel(Steps = 2, Batch = 1, Precision = Precision.Double)]
[VectorInput(1)]
[Gru(1)]
[LinearOutput(1)]
public partial class UnitGru { }

// Small models (sizes 2–3) compared with ReferenceModel, a scalar implementation written straight from PyTorch's equations.

[RnnModel(Steps = 3, Batch = 2, Precision = Precision.Double)]
[VectorInput(2)]
[Lstm(3)]
[Lstm(2)]
[SoftmaxOutput(3)]
public partial class SmallLstmStack { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class SmallGruEmbedding { }

[RnnModel(Steps = 3, Batch = 2, Precision = Precision.Double)]
[TokenInput(3)]
[Rnn(2, Nonlinearity = Nonlinearity.Relu)]
[Rnn(3)]
[LinearOutput(2)]
public partial class SmallRnnOneHot { }

[RnnModel(Steps = 3, Batch = 2)]
[VectorInput(2)]
[Lstm(3)]
[Gru(2)]
[SoftmaxOutput(3)]
public partial class SmallMixedFloat { }

[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[VectorInput(2)]
[Lstm(3, Bidirectional = true)]
[Gru(2, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class SmallBidirectional { }

[RnnModel(Steps = 4, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(2)]
[Lstm(3, Bidirectional = true)]
[Gru(2, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class SmallBidirectionalManyToOne { }

/// <summary>SmallMixedFloat in double precision: the same tensors, for conversion tests.</summary>
[RnnModel(Steps = 3, Batch = 2, Precision = Precision.Double)]
[VectorInput(2)]
[Lstm(3)]
[Gru(2)]
[SoftmaxOutput(3)]
public partial class SmallMixedDouble { }

/// <summary>70 steps: the forward pass runs shared block methods for steps 16–63 of every layer; Step runs none.</summary>
[RnnModel(Steps = 70, Batch = 3)]
[VectorInput(2)]
[Gru(3)]
[Lstm(3)]
[Rnn(2)]
[SoftmaxOutput(3)]
public partial class LongMixedFloat { }
