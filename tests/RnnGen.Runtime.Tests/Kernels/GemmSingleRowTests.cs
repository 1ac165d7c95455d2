using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The single-row products (m = 1: a recurrent step at batch 1) and the single-column NT (n = 1), which run the
/// matrix–vector kernels of <see cref="Gemv"/>: eight-row groups reduced jointly, the rows left over, k tails shorter
/// than a register, padded leading dimensions, a strided y, both accumulate modes, every accelerated path; and two
/// properties the kernels promise on top of the values: repeated calls give the same bits (the row-group order
/// alternates between calls), and so does the same matrix at any alignment (misaligned rows take aligned loads).
/// </summary>
public sealed class GemmSingleRowTests
{
    private static readonly int[] Rows = [1, 7, 8, 9, 15, 16, 17, 40, 65, 129, 384];
    private static readonly int[] Depths = [1, 3, 8, 15, 16, 17, 31, 48, 100, 128, 130];

    public static TheoryData<string> AllPaths()
    {
        var data = new TheoryData<string>();
        foreach (SimdPath path in Enum.GetValues<SimdPath>().Where(SimdPaths.IsAccelerated)) data.Add(path.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Single_row_products_match_reference(string path) => WithPath(path, () =>
    {
        var random = new Random(31);
        foreach (int n in Rows)
            foreach (int k in Depths)
            {
                bool accumulate = ((n + k) & 1) == 0;
                int pad = (n + k) % 3;
                SingleRow<float>(random, n, k, pad, accumulate, transposedB: true);
                SingleRow<double>(random, n, k, pad, !accumulate, transposedB: true);
                SingleRow<float>(random, n, k, pad, !accumulate, transposedB: false);
                SingleRow<double>(random, n, k, pad, accumulate, transposedB: false);
            }
    });

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Single_column_NT_writes_a_strided_column(string path) => WithPath(path, () =>
    {
        var random = new Random(32);
        foreach (int m in new[] { 8, 9, 17, 64 })
            foreach (int k in new[] { 5, 16, 33, 128 })
            {
                SingleColumn<float>(random, m, k, accumulate: true);
                SingleColumn<double>(random, m, k, accumulate: false);
            }
    });

    /// <summary>The same product three times in a row (the kernel walks the row groups backwards every other call) and
    /// once after another matrix: the same bits every time.</summary>
    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Repeated_calls_give_the_same_bits(string path) => WithPath(path, () =>
    {
        var random = new Random(33);
        foreach (var (n, k) in new[] { (512, 128), (72, 33), (1024, 256) })
        {
            float[] w = Fill<float>(random, n * k), other = Fill<float>(random, n * k), x = Fill<float>(random, k);
            float[] first = new float[n], again = new float[n];
            Gemm.NT(1, n, k, x, k, w, k, first, n, accumulate: false);
            for (int call = 0; call < 3; call++)
            {
                Gemm.NT(1, n, k, x, k, w, k, again, n, accumulate: false);
                Assert.Equal(first, again);
            }
            Gemm.NT(1, n, k, x, k, other, k, again, n, accumulate: false);
            Gemm.NT(1, n, k, x, k, w, k, again, n, accumulate: false);
            Assert.Equal(first, again);
        }
    });

    /// <summary>The matrix at every offset from a 64-byte boundary, rows a multiple of 64 bytes long (the aligned-load
    /// kernel) or not (the plain one), k with and without a tail: bit for bit the result of the aligned matrix.</summary>
    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Result_does_not_depend_on_the_alignment_of_the_matrix(string path) => WithPath(path, () =>
    {
        var random = new Random(34);
        foreach (var (n, k, ld) in new[] { (512, 128, 128), (24, 48, 48), (17, 130, 144), (40, 100, 112), (16, 17, 32), (9, 40, 41) })
        {
            AlignmentCase<float>(random, n, k, ld);
            AlignmentCase<double>(random, n, k, ld);
        }
    });

    // ---- machinery --------------------------------------------------------------------------------------------

    private static void WithPath(string path, Action body)
    {
        SimdPaths.Forced = Enum.Parse<SimdPath>(path);
        try { body(); }
        finally { SimdPaths.Forced = null; }
    }

    /// <summary>NT (<paramref name="transposedB"/>: B is n × k) or NN (B is k × n) with m = 1, against a double-precision
    /// sum; B's row padding holds NaN and y's a sentinel.</summary>
    private static void SingleRow<T>(Random random, int n, int k, int pad, bool accumulate, bool transposedB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int bRows = transposedB ? n : k, bCols = transposedB ? k : n, ldb = bCols + pad;
        T[] b = Strided<T>(random, bRows, bCols, ldb);
        T[] x = Fill<T>(random, k);
        T sentinel = T.CreateChecked(777);
        T[] y = Fill<T>(random, n + pad);
        for (int j = n; j < y.Length; j++) y[j] = sentinel;
        if (!accumulate) Array.Fill(y, T.NaN, 0, n);
        T[] before = (T[])y.Clone();
        if (transposedB) Gemm.NT<T>(1, n, k, x, k, b, ldb, y, n, accumulate);
        else Gemm.NN<T>(1, n, k, x, k, b, ldb, y, n, accumulate);
        for (int j = 0; j < n; j++)
        {
            double sum = accumulate ? double.CreateChecked(before[j]) : 0, scale = Math.Abs(sum);
            for (int p = 0; p < k; p++)
            {
                double term = double.CreateChecked(x[p]) * double.CreateChecked(transposedB ? b[j * ldb + p] : b[p * ldb + j]);
                sum += term;
                scale += Math.Abs(term);
            }
            AssertNear(sum, y[j], scale, $"{typeof(T).Name} {(transposedB ? "NT" : "NN")} 1×{n}×{k} pad {pad} accumulate {accumulate} path {SimdPaths.Current}, y[{j}]");
        }
        for (int j = n; j < y.Length; j++) Assert.Equal(sentinel, y[j]);
    }

    /// <summary>NT with n = 1: C[i, 0] = A[i, :]·b, C's column <c>ldc</c> apart with sentinels between.</summary>
    private static void SingleColumn<T>(Random random, int m, int k, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lda = k + 1, ldc = 3;
        T[] a = Strided<T>(random, m, k, lda);
        T[] b = Fill<T>(random, k);
        T sentinel = T.CreateChecked(-55);
        T[] c = new T[(m - 1) * ldc + 1];
        Array.Fill(c, sentinel);
        for (int i = 0; i < m; i++) c[i * ldc] = accumulate ? T.CreateChecked(i) : T.NaN;
        Gemm.NT<T>(m, 1, k, a, lda, b, k, c, ldc, accumulate);
        for (int i = 0; i < m; i++)
        {
            double sum = accumulate ? i : 0, scale = Math.Abs(sum);
            for (int p = 0; p < k; p++)
            {
                double term = double.CreateChecked(a[i * lda + p]) * double.CreateChecked(b[p]);
                sum += term;
                scale += Math.Abs(term);
            }
            AssertNear(sum, c[i * ldc], scale, $"{typeof(T).Name} NT {m}×1×{k} path {SimdPaths.Current}, C[{i}]");
            for (int j = 1; j < ldc && i * ldc + j < c.Length; j++) Assert.Equal(sentinel, c[i * ldc + j]);
        }
    }

    private static unsafe void AlignmentCase<T>(Random random, int n, int k, int ld)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] w = Strided<T>(random, n, k, ld);
        T[] x = Fill<T>(random, k);
        int lanes = 64 / sizeof(T);
        T[] storage = GC.AllocateArray<T>(w.Length + 2 * lanes, pinned: true);
        int aligned = (int)((64 - ((nint)Unsafe.AsPointer(ref storage[0]) & 63)) & 63) / sizeof(T);
        T[] expected = new T[n], actual = new T[n];
        for (int offset = 0; offset < lanes; offset++)
        {
            Span<T> placed = storage.AsSpan(aligned + offset, w.Length);
            w.CopyTo(placed);
            Gemm.NT<T>(1, n, k, x, k, placed, ld, offset == 0 ? expected : actual, n, accumulate: false);
            if (offset > 0)
                for (int j = 0; j < n; j++)
                    if (!BitEqual(expected[j], actual[j]))
                        Assert.Fail($"{typeof(T).Name} NT 1×{n}×{k} ld {ld} path {SimdPaths.Current}: offset {offset} gives y[{j}] = {actual[j]}, aligned {expected[j]}");
        }
    }

    private static bool BitEqual<T>(T a, T b)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref a)) == BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref b))
            : BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref a)) == BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref b));

    private static void AssertNear<T>(double expected, T actual, double scale, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double tolerance = typeof(T) == typeof(float) ? 1e-5 : 1e-12;
        double got = double.CreateChecked(actual);
        if (!(Math.Abs(got - expected) <= tolerance * scale + 1e-30)) Assert.Fail($"{what} = {got}, expected {expected} (scale {scale})");
    }

    /// <summary>A rows × cols matrix with rows <paramref name="ld"/> apart and NaN in the gaps (a kernel that reads them
    /// poisons its result).</summary>
    private static T[] Strided<T>(Random random, int rows, int cols, int ld)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[(rows - 1) * ld + cols];
        Array.Fill(values, T.NaN);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) values[r * ld + j] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }

    private static T[] Fill<T>(Random random, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Strided<T>(random, 1, length, length);
}
