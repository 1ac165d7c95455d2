using System.Numerics;

namespace RnnGen.Kernels;

/// <summary>Row-broadcast of bias vectors and their gradients (column sums).</summary>
public static class Bias
{
    /// <summary>Sets every row of <c>C[rows×n]</c> to <paramref name="bias"/>: the start of <c>C = bias + X·Wᵀ</c>.</summary>
    public static void Broadcast<T>(Span<T> c, int rows, int n, int ldc, ReadOnlySpan<T> bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bias = bias[..n];
        for (int r = 0; r < rows; r++) bias.CopyTo(c.Slice(r * ldc, n));
    }

    /// <summary><c>out[j] = a[j] + b[j]</c>, e.g. the combined bias <c>b_ih + b_hh</c> of a gate block.</summary>
    public static void Sum<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length != b.Length || output.Length < a.Length) throw new ArgumentException("Bias vectors must have the same length.", nameof(b));
        for (int j = 0; j < a.Length; j++) output[j] = a[j] + b[j];
    }

    /// <summary><c>db[j] += Σ_r dY[r, j]</c>: the gradient of a bias broadcast over <paramref name="rows"/> rows.</summary>
    public static void AccumulateColumnSums<T>(ReadOnlySpan<T> dy, int rows, int n, int ldy, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        db = db[..n];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = dy.Slice(r * ldy, n);
            for (int j = 0; j < n; j++) db[j] += row[j];
        }
    }
}
