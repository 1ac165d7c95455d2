using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>Same tensors as <see cref="HeadSigmoid"/> and <see cref="HeadSoftmaxManyToOne"/>: only the head kind or the topology differ.</summary>
[RnnModel(Steps = 3, Batch = 1)]
[VectorInput(2)]
[Lstm(3)]
[SoftmaxOutput(2)]
public partial class HeadSoftmax { }

/// <summary>A sigmoid head of the same shapes as <see cref="HeadSoftmax"/>.</summary>
[RnnModel(Steps = 3, Batch = 1)]
[VectorInput(2)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class HeadSigmoid { }

/// <summary><see cref="HeadSoftmax"/> as many-to-one.</summary>
[RnnModel(Steps = 3, Batch = 1, Topology = Topology.ManyToOne)]
[VectorInput(2)]
[Lstm(3)]
[SoftmaxOutput(2)]
public partial class HeadSoftmaxManyToOne { }

/// <summary><see cref="HeadSoftmax"/> with other steps and batch: the same network, so its checkpoints load.</summary>
[RnnModel(Steps = 1, Batch = 2)]
[VectorInput(2)]
[Lstm(3)]
[SoftmaxOutput(2)]
public partial class HeadSoftmaxStepper { }
