using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 5, Batch = 2)]
[TokenInput(7)]
[Lstm(4)]
[Lstm(3)]
[SoftmaxOutput(7)]
public partial class TinyCharLstm { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.ManyToOne, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Gru(4)]
[SoftmaxOutput(2)]
public partial class TinyGruClassifier { }

[RnnModel(Steps = 3, Batch = 2)]
[VectorInput(3)]
[Rnn(4, Nonlinearity = Nonlinearity.Relu)]
[LinearOutput(2)]
public partial class TinyRnnRegression { }
