using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>A small character model (ASCII ids, as interop/ddp_finetune.py reads text) for the DistributedDataParallel round trip.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(128)]
[Lstm(64)]
[SoftmaxOutput(128)]
public partial class DdpCharLm { }
