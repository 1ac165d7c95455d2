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

/// <summary>Tags each token with the class of the token after it: only a bidirectional layer can see it.</summary>
[RnnModel(Steps = 12, Batch = 32)]
[TokenInput(8, Embedding = 8)]
[Gru(16, Bidirectional = true)]
[SoftmaxOutput(2)]
public partial class NextTokenTagger { }

/// <summary>The same tagger without the reverse direction, as a control: it cannot see the next token.</summary>
[RnnModel(Steps = 12, Batch = 32)]
[TokenInput(8, Embedding = 8)]
[Gru(32)]
[SoftmaxOutput(2)]
public partial class CausalTagger { }

/// <summary>The adding problem at T = 50: (value, marker) pairs in, the sum of the two marked values out.</summary>
[RnnModel(Steps = 50, Batch = 64, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Lstm(32)]
[LinearOutput(1)]
public partial class AddingLstm { }
