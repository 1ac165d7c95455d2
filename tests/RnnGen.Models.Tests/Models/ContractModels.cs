using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 8, Batch = 4)]
[TokenInput(10, Embedding = 6)]
[Lstm(16)]
[Lstm(12)]
[SoftmaxOutput(10)]
public partial class EmbeddingLstmLm { }

[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(65)]
[Lstm(128)]
[Lstm(128)]
[SoftmaxOutput(65)]
public partial class CharLstm { }

[RnnModel(Steps = 16, Batch = 8, Topology = Topology.ManyToOne)]
[VectorInput(5)]
[Gru(32)]
[SigmoidOutput(3)]
public partial class VectorGruTagger { }

[RnnModel(Steps = 12, Batch = 4)]
[VectorInput(3)]
[Rnn(24)]
[LinearOutput(2)]
public partial class VectorRnnRegression { }
