using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>A token language model trained over a stream in windows of 6 steps.</summary>
[RnnModel(Steps = 6, Batch = 2, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(3)]
[Gru(2)]
[SoftmaxOutput(5)]
public partial class StreamLm { }

/// <summary>The same layers one step at a time (same parameter layout): an independent way to run a stream.</summary>
[RnnModel(Steps = 1, Batch = 2, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(3)]
[Gru(2)]
[SoftmaxOutput(5)]
public partial class StreamLmStepper { }
