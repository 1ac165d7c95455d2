// Small generating models for the decoder-step API and beam search.
using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>Three classes, class 2 ends a sequence, four decoder steps: small enough to enumerate every output sequence.</summary>
[RnnModel(Steps = 2, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double, EndToken = 2)]
[TokenInput(3)]
[Lstm(4)]
[SoftmaxOutput(3)]
public partial class BeamTiny { }

/// <summary>A stacked one-to-many model over three tokens, for beam search from a caller's first token.</summary>
[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(3, Embedding = 2)]
[Gru(3)]
[Rnn(2)]
[SoftmaxOutput(3)]
public partial class BeamTinyOneToMany { }

/// <summary>A projected LSTM under a GRU in an encoder–decoder: the decoder step keeps h (P wide) and c (H wide).</summary>
[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(4, Embedding = 3)]
[Lstm(4, Projection = 2)]
[Gru(3)]
[SoftmaxOutput(4)]
public partial class ProjectedStepSeq2Seq { }

/// <summary>BeamTiny's vocabulary over a bidirectional encoder with attention: each hypothesis attends over its lane's source.</summary>
[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double, EndToken = 2)]
[TokenInput(3, Embedding = 2)]
[Gru(3, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(3)]
public partial class BeamTinyAttention { }
