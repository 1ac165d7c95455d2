using RnnGen;

namespace RnnGen.Models.Tests.Models;

// Attention over the encoder: every score × cell, with a one-way encoder and with a bidirectional one (two layers, both
// bidirectional, so both bridge to a decoder twice as wide), for gradient checks in double. Inputs vary with the score:
// dot reads embedded tokens, general one-hot tokens, additive vectors.

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Rnn(3)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(4)]
public partial class DotAttentionRnn { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Rnn(3, Bidirectional = true)]
[Rnn(2, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(4)]
public partial class DotAttentionRnnBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Lstm(3)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(4)]
public partial class DotAttentionLstm { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Lstm(3, Bidirectional = true)]
[Lstm(2, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(4)]
public partial class DotAttentionLstmBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Gru(3)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(4)]
public partial class DotAttentionGru { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Gru(3, Bidirectional = true)]
[Gru(2, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(4)]
public partial class DotAttentionGruBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Rnn(3)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(4)]
public partial class GeneralAttentionRnn { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Rnn(3, Bidirectional = true)]
[Rnn(2, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(4)]
public partial class GeneralAttentionRnnBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(3)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(4)]
public partial class GeneralAttentionLstm { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Lstm(3, Bidirectional = true)]
[Lstm(2, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(4)]
public partial class GeneralAttentionLstmBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Gru(3)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(4)]
public partial class GeneralAttentionGru { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Gru(3, Bidirectional = true)]
[Gru(2, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(4)]
public partial class GeneralAttentionGruBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(4)]
public partial class AdditiveAttentionRnn { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3, Bidirectional = true)]
[Rnn(2, Bidirectional = true)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(4)]
public partial class AdditiveAttentionRnnBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(4)]
public partial class AdditiveAttentionLstm { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3, Bidirectional = true)]
[Lstm(2, Bidirectional = true)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(4)]
public partial class AdditiveAttentionLstmBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(4)]
public partial class AdditiveAttentionGru { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3, Bidirectional = true)]
[Gru(2, Bidirectional = true)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(4)]
public partial class AdditiveAttentionGruBiEncoder { }

/// <summary>A projected bidirectional LSTM: the decoder layer is LSTM(8, Projection = 4).</summary>
[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Lstm(4, Projection = 2, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(4)]
public partial class GeneralAttentionProjectedLstmBiEncoder { }

/// <summary>A value head: the decoder reads its own previous output.</summary>
[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(2)]
[Gru(3)]
[Gru(3)]
[Attention(AttentionKind.Additive)]
[LinearOutput(2)]
public partial class AdditiveAttentionGruLinear { }

/// <summary>A sigmoid head.</summary>
[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 2)]
[Lstm(3, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SigmoidOutput(3)]
public partial class DotAttentionLstmSigmoid { }

/// <summary>Float models for the golden fixtures' float check and for ONNX Runtime.</summary>
[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(7, Embedding = 4)]
[Gru(6, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(7)]
public partial class FloatGeneralAttentionGru { }

// Encoder–decoders with attention of tests/golden/make_golden.py's seq2seq fixtures (s2s_*), in double and float.
[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Lstm(3, Bidirectional = true)]
[Lstm(3, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(5)]
public partial class GoldenS2SLstm2BiGeneralDouble { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(6, Embedding = 3)]
[Lstm(3, Bidirectional = true)]
[Lstm(3, Bidirectional = true)]
[Attention(AttentionKind.General)]
[SoftmaxOutput(5)]
public partial class GoldenS2SLstm2BiGeneralFloat { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(6)]
[Gru(4)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(5)]
public partial class GoldenS2SGruAdditiveDouble { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(6)]
[Gru(4)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(5)]
public partial class GoldenS2SGruAdditiveFloat { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Rnn(4, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(5)]
public partial class GoldenS2SRnnBiDotDouble { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(6, Embedding = 3)]
[Rnn(4, Bidirectional = true)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(5)]
public partial class GoldenS2SRnnBiDotFloat { }

// Float models with attention for ONNX Runtime: every score, one-way and bidirectional encoders, each cell.
[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4, EndToken = 0)]
[TokenInput(6)]
[Lstm(5)]
[Attention(AttentionKind.Dot)]
[SoftmaxOutput(6)]
public partial class FloatDotAttentionLstm { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(7, Embedding = 3)]
[Lstm(3, Bidirectional = true)]
[Rnn(4, Bidirectional = true)]
[Attention(AttentionKind.Additive)]
[SoftmaxOutput(7)]
public partial class FloatAdditiveAttentionBiStack { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[VectorInput(3)]
[Gru(4)]
[Attention(AttentionKind.General)]
[LinearOutput(3)]
public partial class FloatGeneralAttentionVectors { }

// Input feeding (the decoder's first layer also reads h̃_(t-1)): every score, every cell, stacked decoders, a
// bidirectional encoder, a projected LSTM and a value head, for gradient checks in double.
[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Lstm(3)]
[Lstm(2)]
[Attention(AttentionKind.Dot, InputFeeding = true)]
[SoftmaxOutput(4)]
public partial class FedDotAttentionLstmStack { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5)]
[Gru(3, Bidirectional = true)]
[Attention(AttentionKind.General, InputFeeding = true)]
[SoftmaxOutput(4)]
public partial class FedGeneralAttentionGruBiEncoder { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3, Bidirectional = true)]
[Rnn(2)]
[Attention(AttentionKind.Additive, InputFeeding = true)]
[SoftmaxOutput(4)]
public partial class FedAdditiveAttentionRnnStack { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Lstm(4, Projection = 2, Bidirectional = true)]
[Attention(AttentionKind.Additive, InputFeeding = true)]
[SoftmaxOutput(4)]
public partial class FedAdditiveAttentionProjectedLstm { }

[RnnModel(Steps = 4, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[VectorInput(2)]
[Gru(3)]
[Gru(3)]
[Attention(AttentionKind.Dot, InputFeeding = true)]
[LinearOutput(2)]
public partial class FedDotAttentionGruLinear { }

// Input feeding of tests/golden/make_golden.py's seq2seq fixtures (s2s_*_feed_*), in double and float.
[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(6, Embedding = 3)]
[Lstm(3)]
[Lstm(3)]
[Attention(AttentionKind.General, InputFeeding = true)]
[SoftmaxOutput(5)]
public partial class GoldenS2SLstm2FeedGeneralDouble { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(6, Embedding = 3)]
[Lstm(3)]
[Lstm(3)]
[Attention(AttentionKind.General, InputFeeding = true)]
[SoftmaxOutput(5)]
public partial class GoldenS2SLstm2FeedGeneralFloat { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(6)]
[Gru(3, Bidirectional = true)]
[Attention(AttentionKind.Additive, InputFeeding = true)]
[SoftmaxOutput(5)]
public partial class GoldenS2SGruBiFeedAdditiveDouble { }

[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(6)]
[Gru(3, Bidirectional = true)]
[Attention(AttentionKind.Additive, InputFeeding = true)]
[SoftmaxOutput(5)]
public partial class GoldenS2SGruBiFeedAdditiveFloat { }

/// <summary>Input feeding in float, for the allocation tests.</summary>
[RnnModel(Steps = 5, Batch = 3, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(7, Embedding = 4)]
[Lstm(5, Bidirectional = true)]
[Lstm(4)]
[Attention(AttentionKind.General, InputFeeding = true)]
[SoftmaxOutput(7)]
public partial class FloatFedAttentionLstm { }
