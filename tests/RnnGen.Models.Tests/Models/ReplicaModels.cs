using RnnGen;

namespace RnnGen.Models.Tests.Models;

// The replica-group tests: each network twice, differing only in Batch (6 lanes in one model, or 2 per replica × 3).
// LSTM(48) over 7 tokens has 11,319 parameters: three blocks of the group's reduction, so threads split it.

/// <summary>Six lanes in one double-precision model.</summary>
[RnnModel(Steps = 5, Batch = 6, Precision = Precision.Double)]
[TokenInput(7)]
[Lstm(48)]
[SoftmaxOutput(7)]
public partial class ReplicaWholeD { }

/// <summary>Two lanes of <see cref="ReplicaWholeD"/>'s network: three replicas read its six.</summary>
[RnnModel(Steps = 5, Batch = 2, Precision = Precision.Double)]
[TokenInput(7)]
[Lstm(48)]
[SoftmaxOutput(7)]
public partial class ReplicaLanesD { }

/// <summary>Six lanes in one single-precision model.</summary>
[RnnModel(Steps = 5, Batch = 6)]
[TokenInput(7)]
[Lstm(48)]
[SoftmaxOutput(7)]
public partial class ReplicaWholeF { }

/// <summary>Two lanes of <see cref="ReplicaWholeF"/>'s network.</summary>
[RnnModel(Steps = 5, Batch = 2)]
[TokenInput(7)]
[Lstm(48)]
[SoftmaxOutput(7)]
public partial class ReplicaLanesF { }

/// <summary><see cref="ReplicaLanesF"/> with dropout (the same network: it can share its parameters), for the thread-count tests.</summary>
[RnnModel(Steps = 5, Batch = 2)]
[TokenInput(7)]
[Lstm(48, Dropout = 0.2, RecurrentDropout = 0.1)]
[SoftmaxOutput(7)]
public partial class ReplicaDropoutF { }
