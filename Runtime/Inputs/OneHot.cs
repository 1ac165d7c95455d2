using System.Numerics;

namespace RnnGen.Inputs;

/// <summary>
/// One-hot input without a matrix product: <c>onehot(v)·Wᵀ</c> is column v of <c>W [n, vocabulary]</c>, so the
/// projection is a gather and its weight gradient a scatter.
/// </summary>
public static class OneHot
{
    /// <summary>
    /// <c>C[r, :] = bias + Wᵀ[token_r, :]</c> for each row r, from <paramref name="transposed"/> = <c>W_ihᵀ [vocabulary, n]</c>
    /// (transposed once per pass with <see cref="Kernels.Matrix.Transpose"/>): each token's projection is one contiguous row,
    /// where the column of <c>W_ih [n, vocabulary]</c> would be n strided reads.
    /// </summary>
    public static unsafe void ProjectRows<T>(ReadOnlySpan<T> transposed, int n, ReadOnlySpan<int> tokens, ReadOnlySpan<T> bias, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bias = bias[..n];
        for (int r = 0; r < tokens.Length; r++)
        {
            ReadOnlySpan<T> row = transposed.Slice(tokens[r] * n, n); // the slices check every bound
            Span<T> target = c.Slice(r * ldc, n);
            fixed (T* w = row, b = bias, t = target) Kernels.Elementwise.Add(w, b, t, n);
        }
    }

    /// <summary>
    /// <c>dWᵀ[token_r, :n] += dC[r, :n]</c> for each row r, into a transposed accumulator <c>[vocabulary, ldT]</c> (contiguous
    /// rows); <see cref="Kernels.Matrix.AddTransposed"/> then adds it to <c>dW_ih [n, vocabulary]</c> once.
    /// </summary>
    public static unsafe void AccumulateRows<T>(ReadOnlySpan<T> dc, int ldc, int n, ReadOnlySpan<int> tokens, Span<T> dTransposed, int ldT)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < tokens.Length; r++)
        {
            Span<T> target = dTransposed.Slice(tokens[r] * ldT, n);
            ReadOnlySpan<T> row = dc.Slice(r * ldc, n);
            fixed (T* t = target, d = row) Kernels.Elementwise.Add(t, d, t, n);
        }
    }

    /// <summary><c>target[j] += W[j, token]</c>: one row's projection of a single token (single-step inference).</summary>
    public static void AddColumn<T>(ReadOnlySpan<T> weight, int n, int vocabulary, int token, Span<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((uint)token >= (uint)vocabulary) throw new ArgumentOutOfRangeException(nameof(token), token, $"Token id must lie in [0, {vocabulary}).");
        for (int j = 0; j < n; j++) target[j] += weight[j * vocabulary + token];
    }
}
