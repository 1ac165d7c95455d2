// Projected LSTMs ([Lstm(H, Projection = P)], PyTorch's proj_size) in double precision, for the gradient checks (listed
// in GradientCheckCases), Step and allocation tests: every topology, bidirectional layers, projected layers under and
// over plain ones, batch 1 (W_hh read in place) and long enough for shared block methods.
using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 4, Batch = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(4, Projection = 2)]
[SoftmaxOutput(3)]
public partial class LstmpManyToManyVectorSoftmax { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(2)]
[Lstm(4, Bidirectional = true, Projection = 3)]
[LinearOutput(2)]
public partial class LstmpBiManyToOneVectorLinear { }

// Projected over plain and plain over projected, a GRU reading a projected output, a bidirectional projected top.
[RnnModel(Steps = 3, Batch = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 2)]
[Lstm(3)]
[Lstm(4, Projection = 2)]
[Gru(3)]
[Lstm(3, Bidirectional = true, Projection = 2)]
[SigmoidOutput(2)]
public partial class LstmpMixedStackEmbeddingSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(4, Projection = 2)]
[Lstm(3, Projection = 2)]
[SoftmaxOutput(3)]
public partial class LstmpStackManyToOneOneHot { }

// Batch 1: the recurrent products read W_hh in place; 33 steps: a shared block method in both directions.
[RnnModel(Steps = 33, Batch = 1, Precision = Precision.Double)]
[VectorInput(2)]
[Lstm(4, Bidirectional = true, Projection = 2)]
[SoftmaxOutput(2)]
public partial class LstmpLongBatchOne { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(4, Projection = 2)]
[Lstm(3)]
[LinearOutput(3)]
public partial class LstmpOneToManyVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(4, Projection = 2)]
[Lstm(3, Projection = 1)]
[SoftmaxOutput(3)]
public partial class LstmpEncoderDecoderOneHot { }

// Float models for the allocation test and Step.
[RnnModel(Steps = 6, Batch = 4)]
[TokenInput(7, Embedding = 3)]
[Lstm(8, Projection = 3)]
[Lstm(6, Projection = 4)]
[SoftmaxOutput(7)]
public partial class LstmpCharModel { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.ManyToOne)]
[VectorInput(3)]
[Lstm(6, Bidirectional = true, Projection = 2)]
[Lstm(4, Bidirectional = true, Projection = 3)]
[SigmoidOutput(2)]
public partial class LstmpBiClassifier { }

// Dropout on projected layers: the output mask covers dirs·P values per row, the recurrent mask the P units of h_(t-1).
[RnnModel(Steps = 3, Batch = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(5, Bidirectional = true, Projection = 2, Dropout = 0.3, RecurrentDropout = 0.4)]
[Lstm(4, Projection = 3, RecurrentDropout = 0.3)]
[SoftmaxOutput(3)]
public partial class DropoutProjectedLstmTagger { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 2, Dropout = 0.2)]
[Lstm(4, Projection = 2, Dropout = 0.3, RecurrentDropout = 0.4)]
[Lstm(3, Projection = 1, RecurrentDropout = 0.2)]
[SoftmaxOutput(4)]
public partial class DropoutProjectedSeq2Seq { }
