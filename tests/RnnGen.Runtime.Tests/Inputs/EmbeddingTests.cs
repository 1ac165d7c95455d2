using RnnGen.Inputs;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Inputs;

/// <summary><see cref="Embedding"/> against naive loops, including repeated tokens.</summary>
public class EmbeddingTests
{
    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Gather_and_gradient_scatter_match_naive_loops(int width)
    {
        using var forced = new ForcedWidth(width);
        const int vocabulary = 11;
        foreach (int embedding in Widths.Hidden)
        {
            int[] tokens = { 3, 0, 10, 3, 7, 3, 1 }; // 3 repeats: its gradient rows add up
            float[] table = Uniform(vocabulary * embedding, 1, seed: embedding), x = new float[tokens.Length * embedding];
            Embedding.Gather<float>(table, embedding, tokens, x);
            for (int r = 0; r < tokens.Length; r++)
                for (int j = 0; j < embedding; j++) Assert.Equal(table[tokens[r] * embedding + j], x[r * embedding + j]);

            int ldx = 2 * embedding + 1;
            float[] dx = Uniform(tokens.Length * ldx, 1, seed: embedding + 1), dTable = Uniform(vocabulary * embedding, 1, seed: 2);
            double[] expected = ToDouble(dTable);
            for (int r = 0; r < tokens.Length; r++)
                for (int j = 0; j < embedding; j++) expected[tokens[r] * embedding + j] += dx[r * ldx + j];
            Embedding.AccumulateGradient<float>(dx, ldx, tokens, dTable, embedding);
            AssertClose(expected, dTable, 1e-6, $"dE (width {width}, E {embedding})");
        }
    }

    [Fact]
    public void Tokens_outside_the_vocabulary_are_rejected_before_anything_is_written()
    {
        float[] table = new float[4 * 3], dx = Uniform(2 * 3, 1, seed: 1), dTable = new float[4 * 3];
        Assert.Throws<ArgumentException>("tokens", () => Embedding.Gather<float>(table, 3, new[] { 1, 4 }, new float[6]));
        Assert.Throws<ArgumentException>("tokens", () => Embedding.AccumulateGradient<float>(dx, 3, new[] { 0, -1 }, dTable, 3));
        Assert.All(dTable, v => Assert.Equal(0f, v));
    }
}
