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

/// <summary>StreamLm with one lane: two replicas of it read the lanes StreamLm reads in one batch.</summary>
[RnnModel(Steps = 6, Batch = 1, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(3)]
[Gru(2)]
[SoftmaxOutput(5)]
public partial class StreamLmLane { }

/// <summary>A single-precision stream model for the replica tests (thread counts, allocations).</summary>
[RnnModel(Steps = 8, Batch = 4)]
[TokenInput(7)]
[Lstm(16)]
[SoftmaxOutput(7)]
public partial class StreamCharF { }
