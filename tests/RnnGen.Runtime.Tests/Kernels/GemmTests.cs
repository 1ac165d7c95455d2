using System.Numerics;
using RnnGen.Kernels;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// GEMM against a naive triple loop (evaluated in double precision), for float and double, the three forms, both
/// <c>accumulate</c> modes, leading dimensions wider than the rows, and every path this machine accelerates (forced
/// through the thread-static <see cref="SimdPaths.Forced"/>). CI reaches the fallback paths for real, as the only ones
/// compiled, by running the suite again with DOTNET_EnableAVX512=0 (Vector256), DOTNET_EnableAVX2=0 (Vector128) and
/// DOTNET_EnableHWIntrinsic=0 (Scalar).
/// </summary>
public sealed class GemmTests(ITestOutputHelper output)
{
    public enum Form { NN, NT, TN }

    private static readonly int[] Sizes = [1, 2, 3, 7, 17, 33, 65, 129];

    /// <summary>Sizes that cross every block boundary: several KC depth blocks, MC row blocks and NC column blocks,
    /// partial edge panels, the in-place-B limit (m = 16) and long GEMVs.</summary>
    private static readonly (int M, int N, int K)[] LargeSizes =
        [(300, 257, 513), (1939, 50, 70), (16, 800, 300), (17, 401, 129), (1, 1000, 700), (64, 1, 600)];

    private static IEnumerable<string> Paths() =>
        Enum.GetValues<SimdPath>().Where(SimdPaths.IsAccelerated).Select(p => p.ToString());

    public static TheoryData<Form, string> FormsAndPaths()
    {
        var data = new TheoryData<Form, string>();
        foreach (Form form in Enum.GetValues<Form>())
            foreach (string path in Paths()) data.Add(form, path);
        return data;
    }

    public static TheoryData<string> AllPaths()
    {
        var data = new TheoryData<string>();
        foreach (string path in Paths()) data.Add(path);
        return data;
    }

    [Theory]
    [MemberData(nameof(FormsAndPaths))]
    public void Small_sizes_float_match_reference(Form form, string path) => SmallSizes<float>(form, path);

    [Theory]
    [MemberData(nameof(FormsAndPaths))]
    public void Small_sizes_double_match_reference(Form form, string path) => SmallSizes<double>(form, path);

    [Theory]
    [MemberData(nameof(FormsAndPaths))]
    public void Large_sizes_match_reference(Form form, string path)
    {
        var random = new Random(7);
        foreach (var (m, n, k) in LargeSizes)
        {
            WithPath(path, () =>
            {
                Case<float>(form, m, n, k, accumulate: true, random, pad: 5);
                Case<double>(form, m, n, k, accumulate: false, random, pad: 0);
            });
        }
    }

    [Fact]
    public void Default_path_is_the_widest_accelerated_one()
    {
        Assert.Null(SimdPaths.Forced);
        SimdPath expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? SimdPath.Vector512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? SimdPath.Vector256
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? SimdPath.Vector128 : SimdPath.Scalar;
        Assert.Equal(expected, SimdPaths.Current);
        output.WriteLine($"Active GEMM path: {SimdPaths.Current}");
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Packed_NT_matches_unpacked(string path) => WithPath(path, () =>
    {
        PackedCases<float>(PackedForm.NT);
        PackedCases<double>(PackedForm.NT);
    });

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Packed_NN_matches_unpacked(string path) => WithPath(path, () =>
    {
        PackedCases<float>(PackedForm.NN);
        PackedCases<double>(PackedForm.NN);
    });

    [Fact]
    public void Packed_matrix_is_reused_and_repacked_smaller()
    {
        var random = new Random(3);
        var packed = new PackedMatrix<float>(capacityN: 200, capacityK: 70);
        float[] w = Fill<float>(random, 200 * 70);
        packed.PackNT(w, n: 200, k: 70, ldb: 70);
        Assert.Equal(200, packed.N);
        Assert.Equal(70, packed.K);
        for (int step = 0; step < 3; step++)
        {
            float[] h = Fill<float>(random, 16 * 70);
            float[] expected = new float[16 * 200], actual = new float[16 * 200];
            Gemm.NT(16, 200, 70, h, 70, w, 70, expected, 200, accumulate: false);
            Gemm.NT(16, h, 70, packed, actual, 200, accumulate: false);
            AssertClose(expected, actual, 1e-5, "reused packing");
        }
        // A smaller matrix (a column block of w, so ldb > k) fits the same storage.
        packed.PackNT(w, n: 50, k: 30, ldb: 70);
        float[] x = Fill<float>(random, 5 * 30);
        float[] e2 = new float[5 * 50], a2 = new float[5 * 50];
        Gemm.NT(5, 50, 30, x, 30, w, 70, e2, 50, accumulate: false);
        Gemm.NT(5, x, 30, packed, a2, 50, accumulate: false);
        AssertClose(e2, a2, 1e-5, "repacked smaller");
    }

    [Fact]
    public void Packed_matrix_rejects_bad_use()
    {
        var packed = new PackedMatrix<float>(capacityN: 64, capacityK: 32);
        float[] c = new float[4 * 64];
        float[] a = new float[4 * 32];
        // Not packed yet, then packed for the other form.
        Assert.Throws<ArgumentException>(() => Gemm.NT(4, a, 32, packed, c, 64, accumulate: false));
        packed.PackNN(new float[32 * 64], k: 32, n: 64, ldb: 64);
        Assert.Throws<ArgumentException>(() => Gemm.NT(4, a, 32, packed, c, 64, accumulate: false));
        Assert.Throws<ArgumentNullException>(() => Gemm.NN(4, a, 32, (PackedMatrix<float>)null!, c, 64, accumulate: false));
        // Above capacity (storage is whole 48-wide panels × k), short source, short operands: nothing changes.
        Assert.Throws<ArgumentOutOfRangeException>(() => packed.PackNT(new float[97 * 32], n: 97, k: 32, ldb: 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => packed.PackNT(new float[64 * 33], n: 64, k: 33, ldb: 33));
        Assert.Throws<ArgumentException>(() => packed.PackNN(new float[32 * 64 - 1], k: 32, n: 64, ldb: 64));
        Assert.Equal((64, 32), (packed.N, packed.K));
        Array.Fill(c, 9f);
        Assert.Throws<ArgumentException>(() => Gemm.NN(4, a.AsSpan(0, 3 * 32 + 31), 32, packed, c, 64, accumulate: false));
        Assert.Throws<ArgumentException>(() => Gemm.NN(4, a, 32, packed, c.AsSpan(0, 4 * 64 - 1), 64, accumulate: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.NN(4, a, 31, packed, c, 64, accumulate: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.NN(-1, a, 32, packed, c, 64, accumulate: false));
        Assert.All(c, v => Assert.Equal(9f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackedMatrix<float>(-1, 3));
    }

    [Fact]
    public void One_packed_matrix_serves_several_shapes_in_turn()
    {
        // A layer's forward (NT: n = 4H, k = H) and backward (NN: k = 4H, n = H) packings share one storage.
        const int h = 40, g = 4 * h;
        var packed = new PackedMatrix<float>(new[] { (g, h), (h, g) });
        float[] w = Enumerable.Range(0, g * h).Select(i => (float)Math.Sin(i)).ToArray();
        float[] a = Enumerable.Range(0, 3 * g).Select(i => (float)Math.Cos(i)).ToArray();
        packed.PackNT(w, g, h, h);
        var expected = new float[3 * g];
        var actual = new float[3 * g];
        Gemm.NT(3, g, h, a, h, w, h, expected, g, accumulate: false);
        Gemm.NT(3, a, h, packed, actual, g, accumulate: false);
        Assert.Equal(expected, actual);
        packed.PackNN(w, g, h, h);
        Gemm.NN(3, h, g, a, g, w, h, expected.AsSpan(0, 3 * h), h, accumulate: false);
        Gemm.NN(3, a, g, packed, actual.AsSpan(0, 3 * h), h, accumulate: false);
        for (int i = 0; i < 3 * h; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
        Assert.True(packed.Bytes >= 4L * g * h);
    }

    [Fact]
    public void Steady_state_calls_allocate_nothing()
    {
        var random = new Random(5);
        float[] a = Fill<float>(random, 300 * 520), b = Fill<float>(random, 520 * 520), c = new float[520 * 520];
        var packed = new PackedMatrix<float>(capacityN: 512, capacityK: 128);
        packed.PackNT(b, n: 512, k: 128, ldb: 128);
        var packedNN = new PackedMatrix<float>(capacityN: 128, capacityK: 512);
        packedNN.PackNN(b, k: 512, n: 128, ldb: 128);

        void Calls()
        {
            Gemm.NN(300, 257, 513, a, 513, b, 257, c, 257, accumulate: false);
            Gemm.NT(300, 257, 513, a, 513, b, 513, c, 257, accumulate: true);
            Gemm.TN(257, 300, 513, a, 257, b, 300, c, 300, accumulate: true);
            Gemm.NT(1, 512, 128, a, 128, b, 128, c, 512, accumulate: true);
            Gemm.NN(1, 512, 128, a, 128, b, 512, c, 512, accumulate: true);
            Gemm.TN(1, 512, 128, a, 1, b, 512, c, 512, accumulate: true);
            Gemm.NT(16, a, 128, packed, c, 512, accumulate: true);
            Gemm.NT(1, a, 128, packed, c, 512, accumulate: true);
            Gemm.NN(16, a, 512, packedNN, c, 128, accumulate: true);
            Gemm.NT(16, 500, 128, a, 128, b, 128, c, 500, accumulate: false);
            Gemm.NN(16, 500, 128, a, 128, b, 500, c, 500, accumulate: false);
            packed.PackNT(b, n: 512, k: 128, ldb: 128);
        }

        // The first calls on this thread size its packing buffers; the measure then takes the least of several windows,
        // since a method's tier-up can allocate once on the calling thread (see SteadyStateAllocation).
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(Calls, callsPerWindow: 1));
    }

    /// <summary>The packing buffers are per thread: threads multiplying different shapes at once must not see each
    /// other's panels (each thread's result must equal the one computed alone).</summary>
    [Fact]
    public void Concurrent_calls_on_several_threads_agree_with_single_threaded_results()
    {
        var random = new Random(9);
        var jobs = new (int M, int N, int K, float[] A, float[] B, float[] Expected)[6];
        for (int t = 0; t < jobs.Length; t++)
        {
            int m = 40 + 37 * t, n = 60 + 29 * t, k = 300 + 50 * t;
            float[] a = Fill<float>(random, m * k), b = Fill<float>(random, n * k), expected = new float[m * n];
            Gemm.NT(m, n, k, a, k, b, k, expected, n, accumulate: false);
            jobs[t] = (m, n, k, a, b, expected);
        }
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = jobs.Select((job, t) => new Thread(() =>
        {
            float[] c = new float[job.M * job.N];
            for (int repeat = 0; repeat < 5; repeat++)
            {
                Gemm.NT(job.M, job.N, job.K, job.A, job.K, job.B, job.K, c, job.N, accumulate: false);
                if (!c.AsSpan().SequenceEqual(job.Expected)) failures.Add($"thread {t}, repeat {repeat}");
            }
        })).ToArray();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(Form.NN)]
    [InlineData(Form.NT)]
    [InlineData(Form.TN)]
    public void Bad_arguments_throw_before_writing(Form form)
    {
        const int m = 4, n = 5, k = 6;
        var (aRows, aCols) = form == Form.TN ? (k, m) : (m, k);
        var (bRows, bCols) = form == Form.NT ? (n, k) : (k, n);
        float[] a = new float[aRows * aCols], b = new float[bRows * bCols], c = new float[m * n];
        Array.Fill(c, 42f);

        void Call(int mm, int nn, int kk, float[] aa, int lda, float[] bb, int ldb, float[] cc, int ldc)
        {
            switch (form)
            {
                case Form.NN: Gemm.NN(mm, nn, kk, aa, lda, bb, ldb, cc, ldc, accumulate: false); break;
                case Form.NT: Gemm.NT(mm, nn, kk, aa, lda, bb, ldb, cc, ldc, accumulate: false); break;
                default: Gemm.TN(mm, nn, kk, aa, lda, bb, ldb, cc, ldc, accumulate: false); break;
            }
        }

        float[] Short(float[] x) => x[..^1];
        Assert.Throws<ArgumentException>(() => Call(m, n, k, Short(a), aCols, b, bCols, c, n));
        Assert.Throws<ArgumentException>(() => Call(m, n, k, a, aCols, Short(b), bCols, c, n));
        Assert.Throws<ArgumentException>(() => Call(m, n, k, a, aCols, b, bCols, c[..^1], n));
        Assert.Throws<ArgumentOutOfRangeException>(() => Call(-1, n, k, a, aCols, b, bCols, c, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => Call(m, -1, k, a, aCols, b, bCols, c, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => Call(m, n, -1, a, aCols, b, bCols, c, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => Call(m, n, k, a, aCols - 1, b, bCols, c, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => Call(m, n, k, a, aCols, b, bCols - 1, c, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => Call(m, n, k, a, aCols, b, bCols, c, n - 1));
        // A leading dimension larger than the span allows for the last row.
        Assert.Throws<ArgumentException>(() => Call(m, n, k, a, aCols + 1, b, bCols, c, n));
        Assert.All(c, v => Assert.Equal(42f, v));
    }

    [Fact]
    public void Empty_products_clear_or_keep_C()
    {
        float[] c = [1, 2, 3, 4];
        ReadOnlySpan<float> none = [];
        Gemm.NN(2, 2, 0, none, 0, none, 2, c, 2, accumulate: true);
        Assert.Equal([1f, 2, 3, 4], c);
        Gemm.NT(2, 2, 0, none, 0, none, 0, c, 2, accumulate: false);
        Assert.Equal([0f, 0, 0, 0], c);
        Gemm.TN(0, 0, 3, none, 0, none, 0, c, 0, accumulate: false);
        Gemm.NN(0, 5, 3, none, 3, new float[15], 5, c, 5, accumulate: false);
        Assert.Equal([0f, 0, 0, 0], c);
    }

    /// <summary>Every accelerated path on the same products; prints the largest difference between paths, relative to
    /// Σ|a·b| (the report's accuracy figure), and bounds it.</summary>
    [Fact]
    public void Paths_agree_with_each_other()
    {
        SimdPath[] paths = Enum.GetValues<SimdPath>().Where(SimdPaths.IsAccelerated).ToArray();
        var random = new Random(11);
        foreach (Form form in Enum.GetValues<Form>())
        {
            foreach (var (m, n, k) in new[] { (64, 129, 513), (1, 300, 257), (33, 65, 2048) })
            {
                var (aRows, aCols) = form == Form.TN ? (k, m) : (m, k);
                var (bRows, bCols) = form == Form.NT ? (n, k) : (k, n);
                float[] a = Fill<float>(random, aRows * aCols), b = Fill<float>(random, bRows * bCols);
                double[] scale = new double[m * n];
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                        for (int p = 0; p < k; p++)
                            scale[i * n + j] += Math.Abs((double)At(form, a, aCols, i, p, isA: true) * At(form, b, bCols, p, j, isA: false));
                var results = new List<float[]>();
                foreach (SimdPath path in paths)
                {
                    float[] c = new float[m * n];
                    WithPath(path.ToString(), () => Multiply(form, m, n, k, a, aCols, b, bCols, c, n, accumulate: false));
                    results.Add(c);
                }
                for (int x = 0; x < paths.Length; x++)
                    for (int y = x + 1; y < paths.Length; y++)
                    {
                        double worst = 0;
                        for (int e = 0; e < m * n; e++)
                            worst = Math.Max(worst, Math.Abs(results[x][e] - results[y][e]) / scale[e]);
                        output.WriteLine($"{form} {m}×{n}×{k}: {paths[x]} vs {paths[y]}: max |Δ|/Σ|a·b| = {worst:E2}");
                        Assert.True(worst < 2e-5, $"{form} {m}x{n}x{k} {paths[x]} vs {paths[y]}: {worst:E2}");
                    }
            }
        }
    }

    // ---- machinery --------------------------------------------------------------------------------------------

    private static void SmallSizes<T>(Form form, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(HashCode.Combine(form, path, typeof(T).Name).GetHashCode() & 0xFFFF);
        WithPath(path, () =>
        {
            foreach (int m in Sizes)
                foreach (int n in Sizes)
                    foreach (int k in Sizes)
                        Case<T>(form, m, n, k, accumulate: ((m + n + k) & 1) == 0, random, pad: (m + 2 * n + k) % 4);
            // Both accumulate modes on a few shapes that exercise edges on every path.
            foreach (var (m, n, k) in new[] { (9, 49, 5), (7, 17, 33), (1, 65, 129), (129, 1, 65) })
            {
                Case<T>(form, m, n, k, accumulate: true, random, pad: 1);
                Case<T>(form, m, n, k, accumulate: false, random, pad: 2);
            }
        });
    }

    private static void WithPath(string path, Action body)
    {
        SimdPaths.Forced = Enum.Parse<SimdPath>(path);
        try { body(); }
        finally { SimdPaths.Forced = null; }
    }

    /// <summary>One product with leading dimensions <paramref name="pad"/> wider than the rows; the gaps hold NaN in A
    /// and B (a kernel that reads them poisons the result) and a sentinel in C (a kernel that writes them is caught).</summary>
    private static void Case<T>(Form form, int m, int n, int k, bool accumulate, Random random, int pad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (aRows, aCols) = form == Form.TN ? (k, m) : (m, k);
        var (bRows, bCols) = form == Form.NT ? (n, k) : (k, n);
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        T[] a = Strided<T>(random, aRows, aCols, lda, T.NaN);
        T[] b = Strided<T>(random, bRows, bCols, ldb, T.NaN);
        T sentinel = T.CreateChecked(12345);
        T[] c = Strided<T>(random, m, n, ldc, sentinel);
        if (!accumulate)
            for (int i = 0; i < m; i++) c.AsSpan(i * ldc, n).Fill(T.NaN); // must be overwritten, never read
        T[] before = (T[])c.Clone();

        Multiply(form, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

        double tolerance = typeof(T) == typeof(float) ? 1e-5 : 1e-12;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? double.CreateChecked(before[i * ldc + j]) : 0, scale = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double term = double.CreateChecked(At(form, a, lda, i, p, isA: true)) * double.CreateChecked(At(form, b, ldb, p, j, isA: false));
                    sum += term;
                    scale += Math.Abs(term);
                }
                double got = double.CreateChecked(c[i * ldc + j]);
                if (!(Math.Abs(got - sum) <= tolerance * scale + 1e-30))
                    Assert.Fail($"{typeof(T).Name} {form} m={m} n={n} k={k} pad={pad} accumulate={accumulate} path={SimdPaths.Current}: " +
                        $"C[{i},{j}] = {got}, expected {sum} (scale {scale})");
            }
            for (int j = n; j < ldc && i * ldc + j < c.Length; j++)
                if (c[i * ldc + j] != sentinel) Assert.Fail($"{form} m={m} n={n} k={k}: wrote C[{i},{j}] past the row");
        }
    }

    private static void PackedCases<T>(PackedForm form)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(form == PackedForm.NT ? 21 : 22);
        var packed = new PackedMatrix<T>(capacityN: 520, capacityK: 310);
        foreach (int n in new[] { 1, 33, 48, 65, 129, 500 })
        {
            foreach (int k in new[] { 1, 17, 128, 300 })
            {
                int ldb = (form == PackedForm.NT ? k : n) + 3;
                int rowsB = form == PackedForm.NT ? n : k;
                T[] b = Strided<T>(random, rowsB, ldb - 3, ldb, T.NaN);
                if (form == PackedForm.NT) packed.PackNT(b, n, k, ldb);
                else packed.PackNN(b, k, n, ldb);
                foreach (int m in new[] { 1, 2, 7, 16, 17, 65 })
                {
                    foreach (bool accumulate in new[] { false, true })
                    {
                        int lda = k + 2, ldc = n + 1;
                        T[] a = Strided<T>(random, m, k, lda, T.NaN);
                        T[] expected = Strided<T>(random, m, n, ldc, T.CreateChecked(-7));
                        T[] actual = (T[])expected.Clone();
                        Form unpacked = form == PackedForm.NT ? Form.NT : Form.NN;
                        Multiply(unpacked, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
                        if (form == PackedForm.NT) Gemm.NT(m, a, lda, packed, actual, ldc, accumulate);
                        else Gemm.NN(m, a, lda, packed, actual, ldc, accumulate);
                        AssertClose(expected, actual, typeof(T) == typeof(float) ? 1e-5 : 1e-12,
                            $"{typeof(T).Name} packed {form} m={m} n={n} k={k} accumulate={accumulate} path={SimdPaths.Current}");
                    }
                }
            }
        }
    }

    private static void Multiply<T>(Form form, int m, int n, int k, T[] a, int lda, T[] b, int ldb, T[] c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (form)
        {
            case Form.NN: Gemm.NN<T>(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case Form.NT: Gemm.NT<T>(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            default: Gemm.TN<T>(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
        }
    }

    /// <summary>A′[i,p] (isA) or B′[p,j] of the form, read from the stored matrix.</summary>
    private static T At<T>(Form form, T[] x, int ld, int r, int col, bool isA)
    {
        bool transposed = isA ? form == Form.TN : form == Form.NT;
        return transposed ? x[col * ld + r] : x[r * ld + col];
    }

    /// <summary>A rows × cols matrix with rows <paramref name="ld"/> apart, the gaps filled with <paramref name="gap"/>;
    /// the last row ends at its last column, so a read past it goes out of the array.</summary>
    private static T[] Strided<T>(Random random, int rows, int cols, int ld, T gap)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = rows == 0 ? 0 : (rows - 1) * ld + cols;
        var x = new T[length];
        Array.Fill(x, gap);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) x[r * ld + j] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return x;
    }

    private static T[] Fill<T>(Random random, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Strided<T>(random, 1, length, length, T.Zero);

    /// <summary>Element-wise closeness relative to the larger magnitude (for comparing two GEMM results).</summary>
    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int e = 0; e < expected.Length; e++)
        {
            double x = double.CreateChecked(expected[e]), y = double.CreateChecked(actual[e]);
            if (!(Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)))))
                Assert.Fail($"{what}: element {e}: expected {x}, got {y}");
        }
    }
}
