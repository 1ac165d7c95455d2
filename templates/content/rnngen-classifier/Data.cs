using RnnGen.Randomness;

namespace RnnGenClassifier;

/// <summary>One labelled sequence: its tokens (any length from 1 to <see cref="Data.MaxLength"/>) and its class.</summary>
public sealed record Example(int[] Tokens, int Label);

/// <summary>
/// A generated data set that needs memory across the whole sequence: tokens are symbols 0 to 7; the class is 1 when
/// the last token is the first one again, else 0. Where the last token is depends on each sequence's length, which is
/// what the lengths passed to the model tell it. Replace <see cref="Generate"/> with your own data: token ids in [0, <see cref="Vocabulary"/>), lengths in [1, <see cref="MaxLength"/>], labels 0 or 1.
/// </summary>
public static class Data
{
    /// <summary>Number of token ids.</summary>
    public const int Vocabulary = 8;

    /// <summary>The longest sequence (the model's Steps).</summary>
    public const int MaxLength = 40;

    /// <summary><paramref name="count"/> examples with lengths from 4 to <see cref="MaxLength"/>, half of each class.</summary>
    public static Example[] Generate(int count, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var examples = new Example[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 2;
            int[] tokens = new int[4 + random.NextInt(MaxLength - 3)];
            for (int t = 0; t < tokens.Length; t++) tokens[t] = random.NextInt(Vocabulary);
            tokens[^1] = label == 1 ? tokens[0] : (tokens[0] + 1 + random.NextInt(Vocabulary - 1)) % Vocabulary;
            examples[i] = new Example(tokens, label);
        }
        random.Shuffle(examples.AsSpan());
        return examples;
    }
}
