using System.Numerics;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="GemmWorkers"/>: split products give the single-threaded bits for every form, packed or not, both element
/// types, every accelerated path, block edges inside register tiles and panels; splitting happens only inside a scope
/// and above the threshold; scopes nest; a busy instance lets a second caller run alone; Dispose stops the threads and
/// later use throws.
/// </summary>
public sealed class GemmWorkersTests
{
    public enum Form { NN, NT, TN, PackedNT, PackedNN }

    public static TheoryData<string, int> PathsAndThreads()
    {
        var data = new TheoryData<string, int>();
        foreach (SimdPath path in Enum.GetValues<SimdPath>().Where(SimdPaths.IsAccelerated))
            foreach (int threads in new[] { 2, 3 })
                data.Add(path.ToString(), threads);
        return data;
    }

    /// <summary>Shapes whose splits cut through row tiles (MR 8/6/4), panels (NR 48/24) and column blocks, with m or n
    /// the longer side, a partial depth block, and m ≤ 16 (B read in place).</summary>
    private static readonly (int M, int N, int K)[] Shapes =
        [(2, 3, 5), (25, 7, 33), (49, 50, 1), (7, 97, 40), (300, 61, 257), (16, 400, 300), (130, 130, 70), (97, 1, 9), (1, 200, 30), (1, 301, 37), (1, 9, 16)];

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Split_products_are_bit_identical_to_one_thread(string path, int threads)
    {
        using var workers = new GemmWorkers(threads, minimumWork: 0);
        var random = new Random(41);
        SimdPaths.Forced = Enum.Parse<SimdPath>(path);
        try
        {
            foreach (Form form in Enum.GetValues<Form>())
                foreach (var (m, n, k) in Shapes)
                {
                    BitIdentical<float>(workers, form, m, n, k, accumulate: (m + k) % 2 == 0, random);
                    BitIdentical<double>(workers, form, m, n, k, accumulate: (m + k) % 2 == 1, random);
                }
        }
        finally
        {
            SimdPaths.Forced = null;
        }
    }

    [Fact]
    public void Large_recurrent_and_weight_gradient_shapes_are_bit_identical()
    {
        using var workers = new GemmWorkers(2);
        var random = new Random(42);
        BitIdentical<float>(workers, Form.PackedNT, 64, 1024, 256, accumulate: true, random);
        BitIdentical<float>(workers, Form.PackedNN, 64, 256, 1024, accumulate: false, random);
        BitIdentical<float>(workers, Form.TN, 512, 256, 1024, accumulate: true, random);
        BitIdentical<double>(workers, Form.NT, 400, 300, 200, accumulate: false, random);
        // Recurrent steps at batch 1: the matrix–vector kernels split by columns.
        BitIdentical<float>(workers, Form.NT, 1, 1024, 256, accumulate: true, random);
        BitIdentical<float>(workers, Form.NN, 1, 1000, 1024, accumulate: false, random);
        BitIdentical<double>(workers, Form.TN, 1, 700, 600, accumulate: true, random);
        BitIdentical<float>(workers, Form.PackedNT, 1, 2000, 512, accumulate: true, random);
        // Long enough for several blocks per thread (blocks of at least 512 rows or columns).
        BitIdentical<float>(workers, Form.NN, 2100, 40, 30, accumulate: true, random);
        BitIdentical<float>(workers, Form.PackedNT, 9, 2100, 120, accumulate: false, random);
        Assert.True(workers.ProductsSplit >= 10);
    }

    [Fact]
    public void Only_products_inside_a_scope_and_above_the_threshold_are_split()
    {
        using var workers = new GemmWorkers(2, minimumWork: 100_000);
        float[] a = Fill(200 * 200, 1), b = Fill(200 * 200, 2), c = new float[200 * 200];
        Gemm.NT(200, 200, 200, a, 200, b, 200, c, 200, accumulate: false);
        Assert.Equal(0, workers.ProductsSplit);
        using (GemmWorkers.Use(workers))
        {
            Gemm.NT(40, 40, 40, a, 40, b, 40, c, 40, accumulate: false); // 64 000 < 100 000
            Assert.Equal(0, workers.ProductsSplit);
            Gemm.NT(200, 200, 200, a, 200, b, 200, c, 200, accumulate: false);
            Assert.Equal(1, workers.ProductsSplit);
            // A single row counts four times its m·n·k (it is bound by streaming the matrix, not by arithmetic).
            Gemm.NT(1, 150, 150, a, 150, b, 150, c, 150, accumulate: false); // 4 · 22 500 < 100 000
            Assert.Equal(1, workers.ProductsSplit);
            Gemm.NT(1, 200, 200, a, 200, b, 200, c, 200, accumulate: false); // 4 · 40 000 ≥ 100 000
            Assert.Equal(2, workers.ProductsSplit);
            Gemm.NT(200, 1, 200, a, 200, b, 200, c, 1, accumulate: false); // a single column: never split
            Assert.Equal(2, workers.ProductsSplit);
        }
        Gemm.NT(200, 200, 200, a, 200, b, 200, c, 200, accumulate: false);
        Assert.Equal(2, workers.ProductsSplit);
    }

    [Fact]
    public void Scopes_nest_and_restore()
    {
        Assert.Null(GemmWorkers.Current);
        using var outer = new GemmWorkers(2);
        using var inner = new GemmWorkers(2);
        using (GemmWorkers.Use(outer))
        {
            Assert.Same(outer, GemmWorkers.Current);
            using (GemmWorkers.Use(inner))
            {
                Assert.Same(inner, GemmWorkers.Current);
                using (GemmWorkers.Use(null)) Assert.Null(GemmWorkers.Current);
                Assert.Same(inner, GemmWorkers.Current);
            }
            Assert.Same(outer, GemmWorkers.Current);
            // The scope belongs to this thread: another thread sees none.
            GemmWorkers? seen = outer;
            var thread = new Thread(() => seen = GemmWorkers.Current);
            thread.Start();
            thread.Join();
            Assert.Null(seen);
        }
        Assert.Null(GemmWorkers.Current);
        default(GemmWorkers.Scope).Dispose();
        Assert.Null(GemmWorkers.Current);
    }

    [Fact]
    public void Dispose_stops_the_threads_and_later_use_throws()
    {
        var workers = new GemmWorkers(3, minimumWork: 0);
        float[] a = Fill(64 * 64, 3), b = Fill(64 * 64, 4), c = new float[64 * 64];
        using (GemmWorkers.Use(workers))
        {
            Gemm.NN(64, 64, 64, a, 64, b, 64, c, 64, accumulate: false);
            Assert.True(workers.AnyThreadAlive);
            workers.Dispose();
            Assert.False(workers.AnyThreadAlive);
            // A product inside a scope whose workers are gone, large or small.
            Assert.Throws<ObjectDisposedException>(() => Gemm.NN(64, 64, 64, a, 64, b, 64, c, 64, accumulate: false));
            Assert.Throws<ObjectDisposedException>(() => Gemm.NT(1, 4, 4, a, 4, b, 4, c, 4, accumulate: false));
        }
        Assert.Throws<ObjectDisposedException>(() => GemmWorkers.Use(workers));
        workers.Dispose(); // twice is fine
        Gemm.NN(64, 64, 64, a, 64, b, 64, c, 64, accumulate: false); // outside the scope: one thread, as always
    }

    [Fact]
    public void Constructor_rejects_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmWorkers(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmWorkers(GemmWorkers.MaxThreads + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmWorkers(2, minimumWork: -1));
        using var single = new GemmWorkers(1, minimumWork: 0);
        Assert.Equal(1, single.Threads);
        float[] a = Fill(50 * 50, 5), b = Fill(50 * 50, 6), expected = new float[50 * 50], actual = new float[50 * 50];
        Gemm.NN(50, 50, 50, a, 50, b, 50, expected, 50, accumulate: false);
        using (GemmWorkers.Use(single)) Gemm.NN(50, 50, 50, a, 50, b, 50, actual, 50, accumulate: false);
        Assert.Equal(expected, actual);
        Assert.Equal(0, single.ProductsSplit);
    }

    /// <summary>Several threads share one instance: while it runs one product the others run theirs alone; every result
    /// stays exact.</summary>
    [Fact]
    public void Threads_sharing_one_instance_get_their_own_results()
    {
        using var workers = new GemmWorkers(2, minimumWork: 0);
        var jobs = Enumerable.Range(0, 4).Select(t =>
        {
            int m = 60 + 13 * t, n = 70 + 11 * t, k = 90 + 7 * t;
            float[] a = Fill(m * k, 10 + t), b = Fill(n * k, 20 + t), expected = new float[m * n];
            Gemm.NT(m, n, k, a, k, b, k, expected, n, accumulate: false);
            return (m, n, k, a, b, expected);
        }).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = jobs.Select((job, t) => new Thread(() =>
        {
            float[] c = new float[job.m * job.n];
            using (GemmWorkers.Use(workers))
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    Gemm.NT(job.m, job.n, job.k, job.a, job.k, job.b, job.k, c, job.n, accumulate: false);
                    if (!c.AsSpan().SequenceEqual(job.expected)) failures.Add($"thread {t}, repeat {repeat}");
                }
        })).ToArray();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        Assert.Empty(failures);
    }

    // ---- machinery --------------------------------------------------------------------------------------------

    /// <summary>One product without workers and with them (same inputs, same starting C); the two C must match bit for bit,
    /// padding included.</summary>
    internal static void BitIdentical<T>(GemmWorkers workers, Form form, int m, int n, int k, bool accumulate, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool aTransposed = form == Form.TN, bTransposed = form is Form.NT or Form.PackedNT;
        int aRows = aTransposed ? k : m, aCols = aTransposed ? m : k;
        int bRows = bTransposed ? n : k, bCols = bTransposed ? k : n;
        int lda = aCols + 3, ldb = bCols + 1, ldc = n + 2;
        T[] a = Strided<T>(random, aRows, aCols, lda), b = Strided<T>(random, bRows, bCols, ldb);
        T[] expected = Strided<T>(random, m, n, ldc), actual = (T[])expected.Clone();
        PackedMatrix<T>? packed = null;
        if (form == Form.PackedNT) (packed = new PackedMatrix<T>(n, k)).PackNT(b, n, k, ldb);
        if (form == Form.PackedNN) (packed = new PackedMatrix<T>(n, k)).PackNN(b, k, n, ldb);

        Multiply(form, m, n, k, a, lda, b, ldb, packed, expected, ldc, accumulate);
        long splitBefore = workers.ProductsSplit;
        using (GemmWorkers.Use(workers)) Multiply(form, m, n, k, a, lda, b, ldb, packed, actual, ldc, accumulate);

        string what = $"{typeof(T).Name} {form} {m}×{n}×{k} accumulate {accumulate} path {SimdPaths.Current} threads {workers.Threads}";
        for (int e = 0; e < expected.Length; e++)
            if (!BitEqual(expected[e], actual[e])) Assert.Fail($"{what}: element {e} = {actual[e]}, one thread gave {expected[e]}");
        // Split when the product takes the blocked loop nest or is a single row, and its split dimension has more than
        // one unit: blocked products split columns (a packed B, or n > m; panels of 192 bytes) or rows (units of 24);
        // single rows split columns in eight-row groups (NT), 512-byte strips (NN, TN) or panels (packed).
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        bool packedB = form is Form.PackedNT or Form.PackedNN;
        bool several = m == 1
            ? n > (packedB ? 192 / size : form == Form.NT ? 8 : 512 / size)
            : packedB || n > m ? n > 192 / size : m > 24;
        bool splits = m == 1 || !(n == 1 && form == Form.NT);
        long work = (long)m * n * k * (m == 1 ? 4 : 1);
        if (splits && several && workers.Threads > 1 && work >= workers.MinimumWork)
            Assert.True(workers.ProductsSplit > splitBefore, $"{what}: not split");
    }

    private static void Multiply<T>(Form form, int m, int n, int k, T[] a, int lda, T[] b, int ldb, PackedMatrix<T>? packed, T[] c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (form)
        {
            case Form.NN: Gemm.NN<T>(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case Form.NT: Gemm.NT<T>(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case Form.TN: Gemm.TN<T>(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case Form.PackedNT: Gemm.NT(m, a, lda, packed!, c, ldc, accumulate); break;
            default: Gemm.NN(m, a, lda, packed!, c, ldc, accumulate); break;
        }
    }

    private static bool BitEqual<T>(T x, T y)
        where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? BitConverter.SingleToInt32Bits(float.CreateTruncating(x)) == BitConverter.SingleToInt32Bits(float.CreateTruncating(y))
            : BitConverter.DoubleToInt64Bits(double.CreateTruncating(x)) == BitConverter.DoubleToInt64Bits(double.CreateTruncating(y));

    /// <summary>Random values with rows <paramref name="ld"/> apart; the gaps hold a sentinel that the comparison covers.</summary>
    private static T[] Strided<T>(Random random, int rows, int cols, int ld)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[(rows - 1) * ld + cols];
        Array.Fill(values, T.CreateChecked(-3.5));
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) values[r * ld + j] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }

    internal static float[] Fill(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}

/// <summary>Steady-state split products allocate nothing, on the calling thread or on the worker.</summary>
public sealed class GemmWorkersAllocationTests
{
    [Fact]
    public void Steady_state_split_products_allocate_nothing()
    {
        // OwnersOnly: the worker runs its blocks of every product, so its packing buffers are sized by the first calls
        // and its allocation counter covers every product.
        using var workers = new GemmWorkers(2, minimumWork: 0) { OwnersOnly = true };
        float[] a = GemmWorkersTests.Fill(300 * 520, 1), b = GemmWorkersTests.Fill(520 * 520, 2), c = new float[520 * 520];
        var packed = new PackedMatrix<float>(capacityN: 512, capacityK: 128);
        packed.PackNT(b, n: 512, k: 128, ldb: 128);

        void Calls()
        {
            using (GemmWorkers.Use(workers))
            {
                Gemm.NN(300, 257, 513, a, 513, b, 257, c, 257, accumulate: false);
                Gemm.NT(300, 257, 513, a, 513, b, 513, c, 257, accumulate: true);
                Gemm.TN(257, 300, 513, a, 257, b, 300, c, 300, accumulate: true);
                Gemm.NT(64, a, 128, packed, c, 512, accumulate: true);
                Gemm.NT(16, 500, 128, a, 128, b, 128, c, 500, accumulate: false);
                Gemm.NT(1, 512, 128, a, 128, b, 128, c, 512, accumulate: true);
            }
        }

        for (int i = 0; i < 2; i++) Calls();
        // A window of calls can meet a method's tier-up, which allocates a few kilobytes once on the thread it runs on
        // (see SteadyStateAllocation): the least of several windows counts, so only a call that allocates every time fails.
        long leastCaller = long.MaxValue, leastWorker = long.MaxValue;
        for (int window = 0; window < RnnGen.Tests.Shared.SteadyStateAllocation.MaxWindows && (leastCaller > 0 || leastWorker > 0); window++)
        {
            long splitBefore = workers.ProductsSplit;
            long callerBefore = GC.GetAllocatedBytesForCurrentThread();
            long workerBefore = workers.WorkerAllocatedBytes;
            for (int i = 0; i < 10; i++) Calls();
            leastCaller = Math.Min(leastCaller, GC.GetAllocatedBytesForCurrentThread() - callerBefore);
            leastWorker = Math.Min(leastWorker, workers.WorkerAllocatedBytes - workerBefore);
            Assert.Equal(splitBefore + 60, workers.ProductsSplit);
        }
        Assert.Equal(0, leastCaller);
        Assert.Equal(0, leastWorker);
    }
}
