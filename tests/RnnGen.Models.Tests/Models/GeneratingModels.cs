// One-to-many and encoder–decoder models, in double precision, for the gradient checks (teacher forcing).
using RnnGen;

namespace RnnGen.Models.Tests.Models;

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[SoftmaxOutput(4)]
public partial class LstmOneToManyOneHot { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[SoftmaxOutput(4)]
public partial class LstmOneToManyEmbedding { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[LinearOutput(3)]
public partial class LstmOneToManyVectorLinear { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[SigmoidOutput(3)]
public partial class LstmOneToManyVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmEncoderDecoderOneHot { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmEncoderDecoderEmbedding { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[SoftmaxOutput(3)]
public partial class LstmEncoderDecoderVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Lstm(3)]
[LinearOutput(2)]
public partial class LstmEncoderDecoderVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[SigmoidOutput(2)]
public partial class LstmEncoderDecoderTokenSigmoid { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[SoftmaxOutput(4)]
public partial class GruOneToManyOneHot { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[SoftmaxOutput(4)]
public partial class GruOneToManyEmbedding { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[LinearOutput(3)]
public partial class GruOneToManyVectorLinear { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[SigmoidOutput(3)]
public partial class GruOneToManyVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruEncoderDecoderOneHot { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruEncoderDecoderEmbedding { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[SoftmaxOutput(3)]
public partial class GruEncoderDecoderVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Gru(3)]
[LinearOutput(2)]
public partial class GruEncoderDecoderVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Gru(3)]
[SigmoidOutput(2)]
public partial class GruEncoderDecoderTokenSigmoid { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[SoftmaxOutput(4)]
public partial class RnnOneToManyOneHot { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[SoftmaxOutput(4)]
public partial class RnnOneToManyEmbedding { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[LinearOutput(3)]
public partial class RnnOneToManyVectorLinear { }

[RnnModel(Steps = 1, Batch = 2, Topology = Topology.OneToMany, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[SigmoidOutput(3)]
public partial class RnnOneToManyVectorSigmoid { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnEncoderDecoderOneHot { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4, Embedding = 2)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnEncoderDecoderEmbedding { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[SoftmaxOutput(3)]
public partial class RnnEncoderDecoderVectorSoftmax { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[VectorInput(3)]
[Rnn(3)]
[LinearOutput(2)]
public partial class RnnEncoderDecoderVectorLinear { }

[RnnModel(Steps = 3, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 4, Precision = Precision.Double)]
[TokenInput(4)]
[Rnn(3)]
[SigmoidOutput(2)]
public partial class RnnEncoderDecoderTokenSigmoid { }

[RnnModel(Steps = 4, Batch = 2, Topology = Topology.EncoderDecoder, OutputSteps = 3, Precision = Precision.Double)]
[TokenInput(5, Embedding = 3)]
[Gru(3)]
[Lstm(2)]
[Rnn(3)]
[SoftmaxOutput(4)]
public partial class StackEncoderDecoder { }

[RnnModel(Steps = 1, Batch = 3, Topology = Topology.OneToMany, OutputSteps = 5, Precision = Precision.Double)]
[TokenInput(4)]
[Lstm(3)]
[Gru(2)]
[SoftmaxOutput(4)]
public partial class StackOneToMany { }

[RnnModel(Steps = 18, Batch = 1, Topology = Topology.EncoderDecoder, OutputSteps = 17, Precision = Precision.Double)]
[TokenInput(3)]
[Lstm(2)]
[SoftmaxOutput(3)]
public partial class LongEncoderDecoder { }
