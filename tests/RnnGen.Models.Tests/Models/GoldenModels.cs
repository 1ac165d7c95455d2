// The models of the PyTorch golden fixtures (tests/golden/make_golden.py), each in double and in float.
using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 5, Batch = 2, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(4)]
[SoftmaxOutput(3)]
public partial class GoldenLstmM2MVectorSoftmaxDouble { }

[RnnModel(Steps = 5, Batch = 2)]
[VectorInput(3)]
[Lstm(4)]
[SoftmaxOutput(3)]
public partial class GoldenLstmM2MVectorSoftmaxFloat { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Gru(4)]
[SoftmaxOutput(3)]
public partial class GoldenGruM2OEmbeddingSoftmaxDouble { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.ManyToOne)]
[TokenInput(6, Embedding = 3)]
[Gru(4)]
[SoftmaxOutput(3)]
public partial class GoldenGruM2OEmbeddingSoftmaxFloat { }

[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(4)]
[LinearOutput(2)]
public partial class GoldenRnnM2MVectorLinearDouble { }

[RnnModel(Steps = 4, Batch = 2)]
[VectorInput(3)]
[Rnn(4)]
[LinearOutput(2)]
public partial class GoldenRnnM2MVectorLinearFloat { }

[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(3)]
[Lstm(3)]
[SoftmaxOutput(5)]
public partial class GoldenLstm2M2MOneHotSoftmaxDouble { }

[RnnModel(Steps = 4, Batch = 2)]
[TokenInput(5)]
[Lstm(3)]
[Lstm(3)]
[SoftmaxOutput(5)]
public partial class GoldenLstm2M2MOneHotSoftmaxFloat { }

[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class GoldenGruBiM2MVectorSigmoidDouble { }

[RnnModel(Steps = 4, Batch = 2)]
[VectorInput(3)]
[Gru(3, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class GoldenGruBiM2MVectorSigmoidFloat { }

[RnnModel(Steps = 5, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(7, Embedding = 2)]
[Lstm(3, Bidirectional = true)]
[Lstm(3, Bidirectional = true)]
[SoftmaxOutput(4)]
public partial class GoldenLstm2BiM2OEmbeddingSoftmaxDouble { }

[RnnModel(Steps = 5, Batch = 2, Topology = Topology.ManyToOne)]
[TokenInput(7, Embedding = 2)]
[Lstm(3, Bidirectional = true)]
[Lstm(3, Bidirectional = true)]
[SoftmaxOutput(4)]
public partial class GoldenLstm2BiM2OEmbeddingSoftmaxFloat { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(2)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[LinearOutput(2)]
public partial class GoldenRnn2ReluM2OVectorLinearDouble { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[LinearOutput(2)]
public partial class GoldenRnn2ReluM2OVectorLinearFloat { }

[RnnModel(Steps = 4, Batch = 2, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[SoftmaxOutput(4)]
public partial class GoldenGru2BiM2MOneHotSoftmaxDouble { }

[RnnModel(Steps = 4, Batch = 2)]
[TokenInput(4)]
[Gru(3, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[SoftmaxOutput(4)]
public partial class GoldenGru2BiM2MOneHotSoftmaxFloat { }

// The models of the *_lengths fixtures (runs with per-lane lengths, IVariableLengthModel), each in double and in float.

[RnnModel(Steps = 5, Batch = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(4)]
[SoftmaxOutput(3)]
public partial class GoldenLstmM2MVectorSoftmaxLengthsDouble { }

[RnnModel(Steps = 5, Batch = 3)]
[VectorInput(3)]
[Lstm(4)]
[SoftmaxOutput(3)]
public partial class GoldenLstmM2MVectorSoftmaxLengthsFloat { }

[RnnModel(Steps = 5, Batch = 4, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Gru(3, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class GoldenGru2BiM2OEmbeddingSoftmaxLengthsDouble { }

[RnnModel(Steps = 5, Batch = 4, Topology = Topology.ManyToOne)]
[TokenInput(6, Embedding = 3)]
[Gru(3, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[SoftmaxOutput(3)]
public partial class GoldenGru2BiM2OEmbeddingSoftmaxLengthsFloat { }

[RnnModel(Steps = 4, Batch = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(4, Bidirectional = true)]
[LinearOutput(2)]
public partial class GoldenRnnBiM2MVectorLinearLengthsDouble { }

[RnnModel(Steps = 4, Batch = 3)]
[VectorInput(3)]
[Rnn(4, Bidirectional = true)]
[LinearOutput(2)]
public partial class GoldenRnnBiM2MVectorLinearLengthsFloat { }

[RnnModel(Steps = 4, Batch = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(3, Bidirectional = true)]
[Lstm(3, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class GoldenLstm2BiM2MOneHotSigmoidLengthsDouble { }

[RnnModel(Steps = 4, Batch = 3)]
[TokenInput(5)]
[Lstm(3, Bidirectional = true)]
[Lstm(3, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class GoldenLstm2BiM2MOneHotSigmoidLengthsFloat { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(2)]
[Rnn(4)]
[Rnn(4)]
[LinearOutput(2)]
public partial class GoldenRnn2M2OVectorLinearLengthsDouble { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(4)]
[Rnn(4)]
[LinearOutput(2)]
public partial class GoldenRnn2M2OVectorLinearLengthsFloat { }

[RnnModel(Steps = 5, Batch = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(4)]
[SoftmaxOutput(4)]
public partial class GoldenGruM2MOneHotSoftmaxLengthsDouble { }

[RnnModel(Steps = 5, Batch = 4)]
[TokenInput(4)]
[Gru(4)]
[SoftmaxOutput(4)]
public partial class GoldenGruM2MOneHotSoftmaxLengthsFloat { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class GoldenLstmBiM2OVectorSigmoidLengthsDouble { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne)]
[VectorInput(3)]
[Lstm(3, Bidirectional = true)]
[SigmoidOutput(2)]
public partial class GoldenLstmBiM2OVectorSigmoidLengthsFloat { }

// Projected LSTMs (nn.LSTM(proj_size=P)): lstmp_m2m_onehot_softmax, lstmp2_bi_m2o_vector_linear, lstmp2_bi_m2m_embedding_softmax_lengths.

[RnnModel(Steps = 5, Batch = 2, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(4, Projection = 2)]
[SoftmaxOutput(5)]
public partial class GoldenLstmpM2MOneHotSoftmaxDouble { }

[RnnModel(Steps = 5, Batch = 2)]
[TokenInput(5)]
[Lstm(4, Projection = 2)]
[SoftmaxOutput(5)]
public partial class GoldenLstmpM2MOneHotSoftmaxFloat { }

[RnnModel(Steps = 4, Batch = 2, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(4, Bidirectional = true, Projection = 3)]
[Lstm(4, Bidirectional = true, Projection = 3)]
[LinearOutput(2)]
public partial class GoldenLstmp2BiM2OVectorLinearDouble { }

[RnnModel(Steps = 4, Batch = 2, Topology = Topology.ManyToOne)]
[VectorInput(3)]
[Lstm(4, Bidirectional = true, Projection = 3)]
[Lstm(4, Bidirectional = true, Projection = 3)]
[LinearOutput(2)]
public partial class GoldenLstmp2BiM2OVectorLinearFloat { }

[RnnModel(Steps = 5, Batch = 4, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Lstm(4, Bidirectional = true, Projection = 2)]
[Lstm(4, Bidirectional = true, Projection = 2)]
[SoftmaxOutput(3)]
public partial class GoldenLstmp2BiM2MEmbeddingSoftmaxLengthsDouble { }

[RnnModel(Steps = 5, Batch = 4)]
[TokenInput(6, Embedding = 3)]
[Lstm(4, Bidirectional = true, Projection = 2)]
[Lstm(4, Bidirectional = true, Projection = 2)]
[SoftmaxOutput(3)]
public partial class GoldenLstmp2BiM2MEmbeddingSoftmaxLengthsFloat { }
