using RnnGen;

namespace RnnGen.Benchmarks;

// The peer workload of bench/peers/torch_peer.py: VectorInput(I) → one layer of H units → Linear(H, C = I)
// with softmax cross-entropy. Names: cell, input, hidden, steps, batch.

[RnnModel(Steps = 32, Batch = 1)]
[VectorInput(65)]
[Lstm(128)]
[SoftmaxOutput(65)]
public partial class Lstm_I65_H128_T32_B1 { }

[RnnModel(Steps = 32, Batch = 16)]
[VectorInput(65)]
[Lstm(128)]
[SoftmaxOutput(65)]
public partial class Lstm_I65_H128_T32_B16 { }

[RnnModel(Steps = 32, Batch = 16)]
[VectorInput(65)]
[Gru(128)]
[SoftmaxOutput(65)]
public partial class Gru_I65_H128_T32_B16 { }

[RnnModel(Steps = 32, Batch = 16)]
[VectorInput(65)]
[Rnn(128)]
[SoftmaxOutput(65)]
public partial class Rnn_I65_H128_T32_B16 { }

// The first layer over 64 steps, for the runs with per-lane lengths (-- lengths).
[RnnModel(Steps = 64, Batch = 16)]
[VectorInput(65)]
[Lstm(128)]
[SoftmaxOutput(65)]
public partial class Lstm_I65_H128_T64_B16 { }

[RnnModel(Steps = 64, Batch = 16)]
[VectorInput(128)]
[Lstm(256)]
[SoftmaxOutput(128)]
public partial class Lstm_I128_H256_T64_B16 { }

[RnnModel(Steps = 64, Batch = 64)]
[VectorInput(512)]
[Lstm(512)]
[SoftmaxOutput(512)]
public partial class Lstm_I512_H512_T64_B64 { }

// Long unroll: the same layer as Lstm_I65_H128_T32_B16 over 1024 steps (per-step time must match T = 32).
[RnnModel(Steps = 1024, Batch = 16)]
[VectorInput(65)]
[Lstm(128)]
[SoftmaxOutput(65)]
public partial class Lstm_I65_H128_T1024_B16 { }
