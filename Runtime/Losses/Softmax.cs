using System.Numerics;

namespace RnnGen.Losses;

/// <summary>Row-wise softmax and the cross-entropy loss of a softmax head.</summary>
public static class Softmax
{
    /// <summary>
    /// Replaces each row of logits <c>z</c> in <paramref name="values"/> <c>[rows, n]</c> by <c>p = exp(z − lse)</c> and stores
    /// <c>lse = log Σ_j exp(z_j)</c> per row (computed from the row maximum, so nothing overflows).
    /// </summary>
    public static void Rows<T>(Span<T> values, int rows, int n, Span<T> logSumExp) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            Span<T> row = values.Slice(r * n, n);
            T max = row[0];
            for (int j = 1; j < n; j++) max = T.Max(max, row[j]);
            T sum = T.Zero;
            for (int j = 0; j < n; j++) { T e = T.Exp(row[j] - max); row[j] = e; sum += e; }
            T inv = T.One / sum;
            for (int j = 0; j < n; j++) row[j] *= inv;
            logSumExp[r] = max + T.Log(sum);
        }
    }

    /// <summary>
    /// <c>scale · Σ_r −log p[r, target_r]</c>, exactly: the target's logit is recomputed as
    /// <c>z_y = x_r·W[y] + b[y]</c> from the head input, so <c>−log p_y = lse − z_y</c> stays exact even where
    /// <c>p_y</c> underflows to zero.
    /// </summary>
    public static T CrossEntropyLoss<T>(ReadOnlySpan<int> targets, ReadOnlySpan<T> headInput, int ldx, int width,
        ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, ReadOnlySpan<T> logSumExp, int rows, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int r = 0; r < rows; r++)
        {
            int y = targets[r];
            ReadOnlySpan<T> x = headInput.Slice(r * ldx, width);
            ReadOnlySpan<T> w = weight.Slice(y * width, width);
            T z = bias[y];
            for (int j = 0; j < width; j++) z += x[j] * w[j];
            total += logSumExp[r] - z;
        }
        return total * scale;
    }

    /// <summary><c>dz = scale · (p − onehot(target))</c>, the gradient of <see cref="CrossEntropyLoss"/> with respect to the logits.</summary>
    public static void CrossEntropyBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> targets, Span<T> dLogits, int rows, int n, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> p = probabilities.Slice(r * n, n);
            Span<T> d = dLogits.Slice(r * n, n);
            for (int j = 0; j < n; j++) d[j] = p[j] * scale;
            d[targets[r]] -= scale;
        }
    }
}
