namespace RnnGen.Models.Tests.Models;

// Models run with per-lane lengths: every cell, bidirectional layers, both topologies and every head, with four lanes
// so that sorting, a short lane, a full lane and an unused lane can appear together.

[RnnModel(Steps = 5, Batch = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(4, Bidirectional = true)]
[Gru(3)]
[LinearOutput(2)]
public partial class LengthsBiLstmGruTagger { }

[RnnModel(Steps = 5, Batch = 4, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(4, Bidirectional = true)]
[Rnn(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class LengthsBiGruRnnClassifier { }

[RnnModel(Steps = 5, Batch = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[Lstm(3, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class LengthsReluLstmSigmoid { }

[RnnModel(Steps = 5, Batch = 4, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(4)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LengthsLstmRegressor { }

/// <summary>A token classifier in float, the kind of model the lengths are for; unidirectional, so it can Step.</summary>
[RnnModel(Steps = 12, Batch = 5, Topology = Topology.ManyToOne)]
[TokenInput(7, Embedding = 4)]
[Lstm(6)]
[Gru(5)]
[SoftmaxOutput(3)]
public partial class LengthsTokenClassifier { }

/// <summary>A token tagger in float over 40 steps: three blocks, so the shared middle-block method runs with lengths.</summary>
[RnnModel(Steps = 40, Batch = 6)]
[TokenInput(9)]
[Gru(5, Bidirectional = true)]
[SoftmaxOutput(9)]
public partial class LengthsLongTagger { }
