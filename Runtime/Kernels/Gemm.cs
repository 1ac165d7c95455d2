using System.Numerics;

namespace RnnGen.Kernels;

/// <summary>
/// General matrix products on row-major matrices with leading dimensions (the distance between rows, so a
/// block of columns of a wider matrix can be passed without copying). Every form computes
/// <c>C = A′·B′</c>, or <c>C += A′·B′</c> when <c>accumulate</c> is set; the suffix says which operands are
/// transposed (N = as stored, T = transposed), as in BLAS.
/// </summary>
public static class Gemm
{
    /// <summary><c>C[m×n] (+)= A[m×k] · B[k×n]</c>.</summary>
    public static void NN<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(m, n, k, a, lda, m, k, b, ldb, k, n, c, ldc);
        for (int i = 0; i < m; i++)
        {
            Span<T> ci = c.Slice(i * ldc, n);
            if (!accumulate) ci.Clear();
            for (int p = 0; p < k; p++)
            {
                T aip = a[i * lda + p];
                ReadOnlySpan<T> bp = b.Slice(p * ldb, n);
                for (int j = 0; j < n; j++) ci[j] += aip * bp[j];
            }
        }
    }

    /// <summary><c>C[m×n] (+)= A[m×k] · B[n×k]ᵀ</c>: the form of <c>x·Wᵀ</c> with PyTorch's <c>[out, in]</c> weights.</summary>
    public static void NT<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(m, n, k, a, lda, m, k, b, ldb, n, k, c, ldc);
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<T> ai = a.Slice(i * lda, k);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<T> bj = b.Slice(j * ldb, k);
                T sum = T.Zero;
                for (int p = 0; p < k; p++) sum += ai[p] * bj[p];
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
            }
        }
    }

    /// <summary><c>C[m×n] (+)= A[k×m]ᵀ · B[k×n]</c>: the form of weight gradients <c>dW = dYᵀ·X</c> summed over k rows.</summary>
    public static void TN<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(m, n, k, a, lda, k, m, b, ldb, k, n, c, ldc);
        for (int i = 0; i < m; i++)
        {
            Span<T> ci = c.Slice(i * ldc, n);
            if (!accumulate) ci.Clear();
        }
        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<T> ap = a.Slice(p * lda, m);
            ReadOnlySpan<T> bp = b.Slice(p * ldb, n);
            for (int i = 0; i < m; i++)
            {
                T api = ap[i];
                Span<T> ci = c.Slice(i * ldc, n);
                for (int j = 0; j < n; j++) ci[j] += api * bp[j];
            }
        }
    }

    /// <summary>Validates sizes and that each operand's span covers its last row.</summary>
    internal static void Check<T>(int m, int n, int k,
        ReadOnlySpan<T> a, int lda, int aRows, int aCols,
        ReadOnlySpan<T> b, int ldb, int bRows, int bCols,
        ReadOnlySpan<T> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative (m={m}, n={n}, k={k}).");
        CheckOperand(a.Length, lda, aRows, aCols, "a", "lda");
        CheckOperand(b.Length, ldb, bRows, bCols, "b", "ldb");
        CheckOperand(c.Length, ldc, m, n, "c", "ldc");
    }

    private static void CheckOperand(int length, int ld, int rows, int cols, string name, string ldName)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentOutOfRangeException(ldName, $"Leading dimension {ldName}={ld} is smaller than the {cols} columns of {name}.");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed) throw new ArgumentException($"Span {name} has {length} elements; a {rows}×{cols} matrix with leading dimension {ld} needs {needed}.", name);
    }
}
