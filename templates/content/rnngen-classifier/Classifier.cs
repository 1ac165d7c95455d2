using RnnGen;

namespace RnnGenClassifier;

/// <summary>
/// A sequence classifier: up to 40 tokens of an 8-symbol vocabulary per sequence, 32 sequences per batch, a learned
/// embedding of 16, one GRU layer of 64 units, and a softmax over 2 classes read after each sequence's last real token
/// (many-to-one). RnnGen generates the rest of this class at build time, including Forward(tokens, lengths) and
/// TrainStep(tokens, targets, lengths, optimizer, clipNorm) for batches of sequences of different lengths.
/// </summary>
[RnnModel(Steps = Data.MaxLength, Batch = 32, Topology = Topology.ManyToOne)]
[TokenInput(Data.Vocabulary, Embedding = 16)]
[Gru(64)]
[SoftmaxOutput(2)]
public partial class Classifier { }
