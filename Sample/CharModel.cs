using RnnGen;

namespace RnnGen.Sample;

/// <summary>
/// The character-level language model RnnGen compiles for this sample: 96 symbols (printable ASCII and newline)
/// one-hot, two LSTM layers of 128 units, a softmax over the next character; 64 steps of 16 sequences per batch.
/// Build the project and open obj/…/generated/…/RnnGen.Sample.CharModel.g.cs to read what the generator wrote.
/// </summary>
[RnnModel(Steps = 64, Batch = 16)]
[TokenInput(Alphabet.Size)]
[Lstm(128)]
[Lstm(128)]
[SoftmaxOutput(Alphabet.Size)]
public partial class CharModel { }
