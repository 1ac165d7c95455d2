using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>Reverses a sequence of 6 digits: an encoder–decoder with embeddings.</summary>
[RnnModel(Steps = 6, Batch = 32, Topology = Topology.EncoderDecoder, OutputSteps = 6)]
[TokenInput(8, Embedding = 16)]
[Gru(64)]
[SoftmaxOutput(8)]
public partial class ReverseSeq2Seq { }

/// <summary>From one token, counts up: k → k+1, k+2, … (mod 10).</summary>
[RnnModel(Steps = 1, Batch = 16, Topology = Topology.OneToMany, OutputSteps = 8)]
[TokenInput(10)]
[Lstm(32)]
[SoftmaxOutput(10)]
public partial class CountingGenerator { }

/// <summary>Small encoder–decoder in double precision, checked against the reference.</summary>
[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(5, Embedding = 2)]
[Lstm(3)]
[Gru(2)]
[SoftmaxOutput(4)]
public partial class SmallSeq2Seq { }

/// <summary>One-to-many over vectors: each output is the next input.</summary>
[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 5, Precision = Precision.Double)]
[VectorInput(2)]
[Gru(3)]
[LinearOutput(2)]
public partial class VectorGenerator { }

/// <summary>One-to-many over vectors in single precision (the precision whose hot paths must not allocate).</summary>
[RnnModel(Steps = 1, Batch = 4, Topology = Topology.OneToMany, OutputSteps = 6)]
[VectorInput(3)]
[Lstm(8)]
[LinearOutput(3)]
public partial class FloatVectorGenerator { }

/// <summary>Encoder–decoder over vectors in single precision whose decoder feeds back sigmoid outputs.</summary>
[RnnModel(Steps = 5, Batch = 4, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[VectorInput(3)]
[Rnn(8)]
[SigmoidOutput(2)]
public partial class FloatVectorSeq2Seq { }

/// <summary><see cref="ReverseSeq2Seq"/> with class 0 as the end token (same network, so it can share its parameters).</summary>
[RnnModel(Steps = 6, Batch = 32, Topology = Topology.EncoderDecoder, OutputSteps = 6, EndToken = 0)]
[TokenInput(8, Embedding = 16)]
[Gru(64)]
[SoftmaxOutput(8)]
public partial class ReverseSeq2SeqWithEnd { }
