using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Inputs;

/// <summary>A learned lookup table <c>embedding.weight [vocabulary, width]</c>, as PyTorch's <c>nn.Embedding</c>.</summary>
public static unsafe class Embedding
{
    /// <summary><c>x_r = E[token_r]</c> for each row r.</summary>
    public static void Gather<T>(ReadOnlySpan<T> table, int width, ReadOnlySpan<int> tokens, Span<T> x) where T : unmanaged
    {
        Shape.Rows(x.Length, tokens.Length, width, width, nameof(x));
        if (width == 0) return;
        int vocabulary = table.Length / width;
        for (int r = 0; r < tokens.Length; r++) Shape.Index(tokens[r], vocabulary, "Token", nameof(tokens));
        // A row copy is the runtime's vectorized memmove already; the rows are where the time goes, not the loop.
        for (int r = 0; r < tokens.Length; r++) table.Slice(tokens[r] * width, width).CopyTo(x.Slice(r * width, width));
    }

    /// <summary><c>dE[token_r] += dx_r</c> for each row r.</summary>
    /// <remarks>Rows are added in order, so a token that occurs several times accumulates all its rows.</remarks>
    public static void AccumulateGradient<T>(ReadOnlySpan<T> dx, int ldx, ReadOnlySpan<int> tokens, Span<T> dTable, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(dx.Length, tokens.Length, width, ldx, nameof(dx));
        if (width == 0) return;
        int vocabulary = dTable.Length / width;
        for (int r = 0; r < tokens.Length; r++) Shape.Index(tokens[r], vocabulary, "Token", nameof(tokens));
        fixed (T* src = dx, dst = dTable)
        {
            for (int r = 0; r < tokens.Length; r++)
            {
                T* row = dst + (nint)tokens[r] * width;
                Elementwise.Add(row, src + (nint)r * ldx, row, width);
            }
        }
    }
}
