// Bidirectional layers, in double precision, for the gradient checks.
using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiLstmManyToManyVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiLstmManyToOneVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiGruManyToManyVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiGruManyToOneVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiRnnManyToManyVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiRnnManyToOneVectorSoftmax { }

[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[TokenInput(5, Embedding = 2)]
[Lstm(2, Bidirectional = true)]
[Gru(3)]
[LinearOutput(2)]
public partial class BiLstmOverGruEmbeddingLinear { }

[RnnModel(Steps = 4, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[Rnn(2, Nonlinearity = Nonlinearity.Tanh, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class GruOverBiRnnOneHotSigmoidManyToOne { }

[RnnModel(Steps = 1, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(2)]
[Gru(2, Bidirectional = true)]
[Lstm(2, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiGruStackManyToOneOneStep { }

[RnnModel(Steps = 18, Batch = 1, Precision = Precision.Double)]
[TokenInput(3)]
[Lstm(2, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class BiLstmLongOneHot { }
