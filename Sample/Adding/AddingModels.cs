namespace RnnGen.Sample.Adding;

// The adding problem's twelve cells: a tanh RNN, a leaky tanh RNN, an LSTM and a GRU of the same hidden size at
// T = 50, 100 and 200. Each reads (value, marker) pairs — VectorInput(2) — and answers once after the last step
// (ManyToOne) with one number (LinearOutput(1), squared-error loss).
//
// The leaky RNN has a constant leak α = 0.05: h_t = 0.95·h_(t-1) + 0.05·tanh(…), so every unit starts with a time
// constant of 1/α = 20 steps and the gradient has the path through 0.95·h_(t-1) from the first step on. A learned leak
// (LearnedLeak, α = σ(a)) starts at α = 0.5 and must first learn to slow down: in trial runs it solved T = 50 sooner
// but fell behind the constant leaks at T = 100, and α = 0.05 got furthest at T = 200 (α = 0.1 and 0.02 less far).

/// <summary>tanh RNN, T = 50.</summary>
[RnnModel(Steps = 50, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingRnn50 { }

/// <summary>leaky tanh RNN (α = 0.05), T = 50.</summary>
[RnnModel(Steps = 50, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(AddingProblem.Hidden, Leak = AddingProblem.Leak)]
[LinearOutput(1)]
public partial class AddingLeaky50 { }

/// <summary>LSTM, T = 50.</summary>
[RnnModel(Steps = 50, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Lstm(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingLstm50 { }

/// <summary>GRU, T = 50.</summary>
[RnnModel(Steps = 50, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Gru(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingGru50 { }

/// <summary>tanh RNN, T = 100.</summary>
[RnnModel(Steps = 100, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingRnn100 { }

/// <summary>leaky tanh RNN (α = 0.05), T = 100.</summary>
[RnnModel(Steps = 100, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(AddingProblem.Hidden, Leak = AddingProblem.Leak)]
[LinearOutput(1)]
public partial class AddingLeaky100 { }

/// <summary>LSTM, T = 100.</summary>
[RnnModel(Steps = 100, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Lstm(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingLstm100 { }

/// <summary>GRU, T = 100.</summary>
[RnnModel(Steps = 100, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Gru(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingGru100 { }

/// <summary>tanh RNN, T = 200.</summary>
[RnnModel(Steps = 200, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingRnn200 { }

/// <summary>leaky tanh RNN (α = 0.05), T = 200.</summary>
[RnnModel(Steps = 200, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(AddingProblem.Hidden, Leak = AddingProblem.Leak)]
[LinearOutput(1)]
public partial class AddingLeaky200 { }

/// <summary>LSTM, T = 200.</summary>
[RnnModel(Steps = 200, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Lstm(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingLstm200 { }

/// <summary>GRU, T = 200.</summary>
[RnnModel(Steps = 200, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Gru(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingGru200 { }
