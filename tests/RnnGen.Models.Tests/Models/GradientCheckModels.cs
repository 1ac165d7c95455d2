// One model per cell × topology × input × output, in double precision, for the gradient checks.
// Tiny sizes (3 steps, batch 2, 3 units) keep finite differences over every parameter fast.
using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmManyToManyOneHotSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LstmManyToManyOneHotLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class LstmManyToManyOneHotSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmManyToManyEmbeddingSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LstmManyToManyEmbeddingLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class LstmManyToManyEmbeddingSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmManyToManyVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LstmManyToManyVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class LstmManyToManyVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmManyToOneOneHotSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LstmManyToOneOneHotLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class LstmManyToOneOneHotSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmManyToOneEmbeddingSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LstmManyToOneEmbeddingLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class LstmManyToOneEmbeddingSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmManyToOneVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LstmManyToOneVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class LstmManyToOneVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruManyToManyOneHotSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[LinearOutput(2)]
public partial class GruManyToManyOneHotLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class GruManyToManyOneHotSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruManyToManyEmbeddingSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[LinearOutput(2)]
public partial class GruManyToManyEmbeddingLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class GruManyToManyEmbeddingSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruManyToManyVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[LinearOutput(2)]
public partial class GruManyToManyVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class GruManyToManyVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruManyToOneOneHotSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[LinearOutput(2)]
public partial class GruManyToOneOneHotLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class GruManyToOneOneHotSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruManyToOneEmbeddingSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[LinearOutput(2)]
public partial class GruManyToOneEmbeddingLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class GruManyToOneEmbeddingSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruManyToOneVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[LinearOutput(2)]
public partial class GruManyToOneVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class GruManyToOneVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnManyToManyOneHotSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[LinearOutput(2)]
public partial class RnnManyToManyOneHotLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[SigmoidOutput(2)]
public partial class RnnManyToManyOneHotSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnManyToManyEmbeddingSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[LinearOutput(2)]
public partial class RnnManyToManyEmbeddingLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[SigmoidOutput(2)]
public partial class RnnManyToManyEmbeddingSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnManyToManyVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[LinearOutput(2)]
public partial class RnnManyToManyVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToMany, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[SigmoidOutput(2)]
public partial class RnnManyToManyVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnManyToOneOneHotSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[LinearOutput(2)]
public partial class RnnManyToOneOneHotLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[SigmoidOutput(2)]
public partial class RnnManyToOneOneHotSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnManyToOneEmbeddingSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[LinearOutput(2)]
public partial class RnnManyToOneEmbeddingLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[SigmoidOutput(2)]
public partial class RnnManyToOneEmbeddingSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnManyToOneVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[LinearOutput(2)]
public partial class RnnManyToOneVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[SigmoidOutput(2)]
public partial class RnnManyToOneVectorSigmoid { }

// Stacks, relu, and a sequence long enough to cross the 16-step method blocks.
[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[Lstm(4)]
[Rnn(2)]
[LinearOutput(2)]
public partial class MixedStackVectorLinear { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Lstm(3)]
[Lstm(2)]
[SoftmaxOutput(4)]
public partial class TwoLstmEmbeddingClassifier { }

[RnnModel(Steps = 3, Batch = 2, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[Rnn(3, Nonlinearity = Nonlinearity.Relu)]
[LinearOutput(2)]
public partial class ReluStackVectorLinear { }

[RnnModel(Steps = 20, Batch = 1, Precision = Precision.Double)]
[TokenInput(3)]
[Gru(2)]
[Lstm(2)]
[SoftmaxOutput(3)]
public partial class LongGruLstm { }

// Long enough for shared block methods: more than two blocks of 16 steps each way, so the middle blocks run one
// method called with its first step (batch 2: the packed products; batch 1: W_hh read in place).
[RnnModel(Steps = 50, Batch = 2, Precision = Precision.Double)]
[VectorInput(2)]
[Lstm(2, Bidirectional = true)]
[SoftmaxOutput(2)]
public partial class SharedBlocksBiLstmVector { }

[RnnModel(Steps = 50, Batch = 1, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(3)]
[Gru(2)]
[Rnn(2, Bidirectional = true)]
[LinearOutput(1)]
public partial class SharedBlocksGruBiRnnOneHot { }

[RnnModel(Steps = 40, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 36, Precision = Precision.Double)]
[TokenInput(3, Embedding = 2)]
[Lstm(2)]
[SoftmaxOutput(3)]
public partial class SharedBlocksEncoderDecoder { }
