using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// General matrix products on row-major matrices with leading dimensions (the distance between rows, so a
/// block of columns of a wider matrix can be passed without copying). Every form computes
/// <c>C = A′·B′</c>, or <c>C += A′·B′</c> when <c>accumulate</c> is set; the suffix says which operands are
/// transposed (N = as stored, T = transposed), as in BLAS.
/// </summary>
/// <remarks>
/// <para>Arguments are validated before anything is read or written (sizes non-negative, leading dimensions at least
/// the row width, every span long enough for its last row); the kernels then run on raw pointers. With
/// <c>accumulate</c> false, C is overwritten without being read, so it may hold anything (NaN included). C must not
/// overlap A or B.</para>
/// <para>Products are cache-blocked and register-blocked (<see cref="GemmBlocking"/>) on the widest vector path the
/// hardware accelerates: Vector512 with FMA, else Vector256 or Vector128 (with FMA if present), else scalar, chosen
/// once at start-up (<see cref="SimdPaths"/>; tests can force a path per thread). Single-row products (m = 1) are matrix–vector products that stream B
/// once. A right operand reused across calls can be packed once into a <see cref="PackedMatrix{T}"/>. Calls allocate
/// nothing after a thread's first call at a given size (packing buffers are per thread and only grow).</para>
/// <para>Results agree with a naive triple loop to rounding; the order of the k-sum per element is sequential within
/// blocks of <see cref="GemmBlocking.DepthBlock"/> on every path, but fused and unfused multiply-adds round differently,
/// and the m = 1 and NT n = 1 paths sum in vector lanes, so paths differ in the last bits.</para>
/// </remarks>
public static unsafe class Gemm
{
    /// <summary><c>C[m×n] (+)= A[m×k] · B[k×n]</c>.</summary>
    public static void NN<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(m, n, k, a, lda, m, k, b, ldb, k, n, c, ldc);
        Multiply(m, n, k, a, lda, aTransposed: false, b, ldb, GemmB.Rows, c, ldc, accumulate);
    }

    /// <summary><c>C[m×n] (+)= A[m×k] · B[n×k]ᵀ</c>: the form of <c>x·Wᵀ</c> with PyTorch's <c>[out, in]</c> weights.</summary>
    public static void NT<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(m, n, k, a, lda, m, k, b, ldb, n, k, c, ldc);
        Multiply(m, n, k, a, lda, aTransposed: false, b, ldb, GemmB.Columns, c, ldc, accumulate);
    }

    /// <summary><c>C[m×n] (+)= A[k×m]ᵀ · B[k×n]</c>: the form of weight gradients <c>dW = dYᵀ·X</c> summed over k rows.</summary>
    public static void TN<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(m, n, k, a, lda, k, m, b, ldb, k, n, c, ldc);
        Multiply(m, n, k, a, lda, aTransposed: true, b, ldb, GemmB.Rows, c, ldc, accumulate);
    }

    /// <summary>
    /// <c>C[m×n] (+)= A[m×k] · bᵀ</c> with <c>b</c> (n × k) packed by <see cref="PackedMatrix{T}.PackNT"/>: the same result
    /// as <see cref="NT{T}(int, int, int, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, Span{T}, int, bool)"/> with the
    /// unpacked <c>b</c>, without repacking it on every call. n and k are those of the last pack.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="b"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="b"/> was not packed by <see cref="PackedMatrix{T}.PackNT"/>, or a
    /// span is too short for its matrix; nothing is written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="m"/> is negative or a leading dimension is below its width.</exception>
    public static void NT<T>(int m, ReadOnlySpan<T> a, int lda, PackedMatrix<T> b, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MultiplyPacked(m, a, lda, b, PackedForm.NT, c, ldc, accumulate);

    /// <summary>
    /// <c>C[m×n] (+)= A[m×k] · b</c> with <c>b</c> (k × n) packed by <see cref="PackedMatrix{T}.PackNN"/>: the same result
    /// as <see cref="NN{T}(int, int, int, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, Span{T}, int, bool)"/> with the
    /// unpacked <c>b</c>, without repacking it on every call. n and k are those of the last pack.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="b"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="b"/> was not packed by <see cref="PackedMatrix{T}.PackNN"/>, or a
    /// span is too short for its matrix; nothing is written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="m"/> is negative or a leading dimension is below its width.</exception>
    public static void NN<T>(int m, ReadOnlySpan<T> a, int lda, PackedMatrix<T> b, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MultiplyPacked(m, a, lda, b, PackedForm.NN, c, ldc, accumulate);

    /// <summary>The unpacked forms once their arguments are checked.</summary>
    private static void Multiply<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, bool aTransposed,
        ReadOnlySpan<T> b, int ldb, GemmB bLayout, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
            GemmBlocking.Multiply(SimdPaths.Current, m, n, k, pa, lda, aTransposed, pb, ldb, bLayout, pc, ldc, accumulate);
    }

    private static void MultiplyPacked<T>(int m, ReadOnlySpan<T> a, int lda, PackedMatrix<T> b, PackedForm form, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.Form != form)
        {
            string how = b.Form is null ? "has not been packed" : $"was packed by Pack{b.Form}";
            throw new ArgumentException($"The packed matrix {how}; Gemm.{form} needs one packed by PackedMatrix.Pack{form}.", nameof(b));
        }
        int n = b.N, k = b.K;
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative (m={m}).");
        CheckOperand(a.Length, lda, m, k, nameof(a), nameof(lda));
        CheckOperand(c.Length, ldc, m, n, nameof(c), nameof(ldc));
        if (m == 0 || n == 0) return;
        fixed (T* pa = a)
        fixed (T* pc = c)
            GemmBlocking.Multiply(SimdPaths.Current, m, n, k, pa, lda, aTransposed: false, b.Data, b.PanelStride, GemmB.Panels, pc, ldc, accumulate);
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

    /// <remarks>The throwing is in a separate method so that this check inlines: a recurrent step at batch 1 is a
    /// short call, and three calls to a non-inlined check are a visible part of it (bench/RESULTS.md).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckOperand(int length, int ld, int rows, int cols, string name, string ldName)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols || length < (long)(rows - 1) * ld + cols) ThrowBadOperand(length, ld, rows, cols, name, ldName);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadOperand(int length, int ld, int rows, int cols, string name, string ldName)
    {
        if (ld < cols) throw new ArgumentOutOfRangeException(ldName, $"Leading dimension {ldName}={ld} is smaller than the {cols} columns of {name}.");
        long needed = (long)(rows - 1) * ld + cols;
        throw new ArgumentException($"Span {name} has {length} elements; a {rows}×{cols} matrix with leading dimension {ld} needs {needed}.", name);
    }
}
