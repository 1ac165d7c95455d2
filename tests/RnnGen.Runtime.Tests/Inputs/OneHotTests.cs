using RnnGen.Inputs;
using RnnGen.Kernels;
using RnnGen.Randomness;

namespace RnnGen.Runtime.Tests.Inputs;

/// <summary>The one-hot projection through W_ihᵀ, and its gradient, against the definition on the untransposed W_ih.</summary>
public class OneHotTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 3)]
    [InlineData(37, 19)]
    [InlineData(65, 512)]
    public void Projection_and_gradient_match_the_column_definitions(int vocabulary, int n)
    {
        var random = new Xoshiro256StarStar((ulong)(vocabulary * n));
        float[] w = Enumerable.Range(0, n * vocabulary).Select(_ => (float)random.NextUniform(-1, 1)).ToArray(); // [n, V]
        float[] bias = Enumerable.Range(0, n).Select(_ => (float)random.NextUniform(-1, 1)).ToArray();
        int[] tokens = Enumerable.Range(0, 9).Select(_ => random.NextInt(vocabulary)).ToArray();
        int ld = n + 3;

        var transposed = new float[vocabulary * n];
        Matrix.Transpose<float>(w, n, vocabulary, transposed);
        var c = new float[tokens.Length * ld];
        OneHot.ProjectRows<float>(transposed, n, tokens, bias, c, ld);
        for (int r = 0; r < tokens.Length; r++)
            for (int j = 0; j < n; j++)
                Assert.Equal(bias[j] + w[j * vocabulary + tokens[r]], c[r * ld + j]);

        // dW[j, token_r] += dC[r, j], through the transposed accumulator.
        float[] dc = Enumerable.Range(0, c.Length).Select(_ => (float)random.NextUniform(-1, 1)).ToArray();
        var accumulator = new float[vocabulary * n];
        OneHot.AccumulateRows<float>(dc, ld, n, tokens, accumulator, n);
        float[] dw = Enumerable.Repeat(0.5f, n * vocabulary).ToArray();
        Matrix.AddTransposed<float>(accumulator, vocabulary, n, dw);
        var expected = Enumerable.Repeat(0.5, n * vocabulary).ToArray();
        for (int r = 0; r < tokens.Length; r++)
            for (int j = 0; j < n; j++)
                expected[j * vocabulary + tokens[r]] += dc[r * ld + j];
        for (int i = 0; i < dw.Length; i++) Assert.Equal(expected[i], dw[i], 1e-5);
    }
}
