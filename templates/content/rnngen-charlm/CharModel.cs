using RnnGen;

namespace RnnGenCharLm;

/// <summary>
/// A character-level language model: 64 steps of 16 sequences per batch, characters one-hot over 128 ASCII codes, one
/// LSTM layer of 256 units, a softmax over the next character. RnnGen generates the rest of this class at build time
/// (forward, backpropagation through time, single-step inference). Change the attributes to change the network: e.g.
/// [TokenInput(128, Embedding = 64)] for a learned embedding, a second [Lstm(256)] to stack, [Gru(256)] for a GRU.
/// </summary>
[RnnModel(Steps = 64, Batch = 16)]
[TokenInput(Alphabet.Size)]
[Lstm(256)]
[SoftmaxOutput(Alphabet.Size)]
public partial class CharModel { }

/// <summary>Characters as token ids: ASCII codes, anything else as '?'.</summary>
public static class Alphabet
{
    /// <summary>Number of token ids: the ASCII codes 0 to 127.</summary>
    public const int Size = 128;

    /// <summary>The token id of <paramref name="c"/>.</summary>
    public static int Id(char c) => c < Size ? c : '?';

    /// <summary>The character of token id <paramref name="id"/>.</summary>
    public static char Char(int id) => (char)id;
}
