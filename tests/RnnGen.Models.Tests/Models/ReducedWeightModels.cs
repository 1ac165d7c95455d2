using RnnGen;

namespace RnnGen.Models.Tests.Models;

// Float models for WeightFormat (reduced-precision W_hh in single-row products): batch 1, so Forward reads W_hh in place
// like Step; hidden sizes that leave k tails after whole registers; two layers (two matrices in the copy); a projected
// LSTM (W_hh is [4H, P]).

[RnnModel(Steps = 12, Batch = 1)]
[TokenInput(29)]
[Lstm(72)]
[SoftmaxOutput(29)]
public partial class ReducedCharLstm { }

[RnnModel(Steps = 10, Batch = 1)]
[VectorInput(7)]
[Gru(40)]
[Rnn(24)]
[LinearOutput(3)]
public partial class ReducedVectorStack { }

[RnnModel(Steps = 8, Batch = 1)]
[VectorInput(5)]
[Lstm(48, Projection = 20)]
[LinearOutput(2)]
public partial class ReducedProjectedLstm { }

// The same network as ReducedCharLstm with a batch of 4: its passes use the packed float W_hh; Step reads the copy.
[RnnModel(Steps = 12, Batch = 4)]
[TokenInput(29)]
[Lstm(72)]
[SoftmaxOutput(29)]
public partial class ReducedCharLstmBatch4 { }

// One LSTM of 256 units at batch 1: a step's product h·W_hhᵀ (1 × 1024 × 256) is large enough for Threads = 2 to split.
[RnnModel(Steps = 4, Batch = 1)]
[TokenInput(30)]
[Lstm(256)]
[SoftmaxOutput(30)]
public partial class SplitStepLstm { }
