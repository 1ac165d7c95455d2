namespace RnnGen.Sample.Adding;

// The adding problem's nine cells: a tanh RNN, an LSTM and a GRU of the same hidden size at T = 50, 100 and 200.
// Each reads (value, marker) pairs — VectorInput(2) — and answers once after the last step (ManyToOne) with one
// number (LinearOutput(1), squared-error loss).

/// <summary>tanh RNN, T = 50.</summary>
[RnnModel(Steps = 50, Batch = AddingProblem.Batch, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Rnn(AddingProblem.Hidden)]
[LinearOutput(1)]
public partial class AddingRnn50 { }

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
