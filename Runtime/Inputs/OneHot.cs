using System.Numerics;

namespace RnnGen.Inputs;

/// <summary>
/// One-hot input without a matrix product: <c>onehot(v)·Wᵀ</c> is column v of <c>W [n, vocabulary]</c>, so the
/// projection is a gather and its weight gradient a scatter.
/// </summary>
public static class OneHot
{
    /// <summary><c>C[r, j] = bias[j] + W[j, token_r]</c> for each row r.</summary>
    public static void Project<T>(ReadOnlySpan<T> weight, int n, int vocabulary, ReadOnlySpan<int> tokens, ReadOnlySpan<T> bias, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < tokens.Length; r++)
        {
            int v = tokens[r];
            Span<T> row = c.Slice(r * ldc, n);
            for (int j = 0; j < n; j++) row[j] = bias[j] + weight[j * vocabulary + v];
        }
    }

    /// <summary><c>target[j] += W[j, token]</c>: one row's projection of a single token (single-step inference).</summary>
    public static void AddColumn<T>(ReadOnlySpan<T> weight, int n, int vocabulary, int token, Span<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((uint)token >= (uint)vocabulary) throw new ArgumentOutOfRangeException(nameof(token), token, $"Token id must lie in [0, {vocabulary}).");
        for (int j = 0; j < n; j++) target[j] += weight[j * vocabulary + token];
    }

    /// <summary><c>dW[j, token_r] += dC[r, j]</c> for each row r.</summary>
    public static void AccumulateWeightGradient<T>(ReadOnlySpan<T> dc, int ldc, int n, ReadOnlySpan<int> tokens, Span<T> dWeight, int vocabulary)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < tokens.Length; r++)
        {
            int v = tokens[r];
            ReadOnlySpan<T> row = dc.Slice(r * ldc, n);
            for (int j = 0; j < n; j++) dWeight[j * vocabulary + v] += row[j];
        }
    }
}
