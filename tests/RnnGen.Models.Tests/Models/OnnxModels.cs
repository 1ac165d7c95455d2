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
