using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>Two LSTM layers over one-hot characters; memorizes a 200-character string.</summary>
[RnnModel(Steps = 50, Batch = 4)]
[TokenInput(32)]
[Lstm(64)]
[Lstm(64)]
[SoftmaxOutput(32)]
public partial class MemorizingLstm { }

/// <summary>A GRU classifier that reads 20 numbers and says whether their sum is positive.</summary>
[RnnModel(Steps = 20, Batch = 32, Topology = Topology.ManyToOne)]
[VectorInput(1)]
[Gru(24)]
[SoftmaxOutput(2)]
public partial class SignOfSumGru { }
