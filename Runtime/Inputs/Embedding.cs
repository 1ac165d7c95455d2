using System.Numerics;

namespace RnnGen.Inputs;

/// <summary>A learned lookup table <c>embedding.weight [vocabulary, width]</c>, as PyTorch's <c>nn.Embedding</c>.</summary>
public static class Embedding
{
    /// <summary><c>x_r = E[token_r]</c> for each row r.</summary>
    public static void Gather<T>(ReadOnlySpan<T> table, int width, ReadOnlySpan<int> tokens, Span<T> x) where T : unmanaged
    {
        for (int r = 0; r < tokens.Length; r++) table.Slice(tokens[r] * width, width).CopyTo(x.Slice(r * width, width));
    }

    /// <summary><c>dE[token_r] += dx_r</c> for each row r.</summary>
    public static void AccumulateGradient<T>(ReadOnlySpan<T> dx, int ldx, ReadOnlySpan<int> tokens, Span<T> dTable, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < tokens.Length; r++)
        {
            ReadOnlySpan<T> src = dx.Slice(r * ldx, width);
            Span<T> dst = dTable.Slice(tokens[r] * width, width);
            for (int j = 0; j < width; j++) dst[j] += src[j];
        }
    }
}
