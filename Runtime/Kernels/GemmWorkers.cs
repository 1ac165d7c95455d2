using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace RnnGen.Kernels;

/// <summary>
/// Extra threads that large GEMM calls can share their work with. Off unless a thread opts in: create the workers once
/// (they are dedicated threads, started by the constructor), then wrap the code whose products may be split in
/// <see cref="Use"/>; every <see cref="Gemm"/> call made on that thread inside the scope whose work m·n·k reaches
/// <see cref="MinimumWork"/> is divided between the calling thread and the workers (single columns, n = 1 in NT, are
/// never split).
/// <code>
/// using var workers = new GemmWorkers(threads: 2);
/// …
/// using (GemmWorkers.Use(workers))
/// {
///     model.Forward(…);   // its large products now run on two threads
/// }
/// </code>
/// </summary>
/// <remarks>
/// <para><b>Same results.</b> A product is split into disjoint blocks of C, by rows of C or by column panels (never
/// along k), and each element is computed by exactly one thread with exactly the operations the single-threaded call
/// uses, so the results are bit-identical to one thread whatever the number of threads and whichever thread runs which
/// block.</para>
/// <para><b>Which split.</b> Single-row products (m = 1: a recurrent step at batch 1) are split by columns, one block
/// per thread, so each core streams its own half of the weights from its own L2; their work counts four times m·n·k
/// against <see cref="MinimumWork"/>, being bound by memory rather than arithmetic. Products against a
/// <see cref="PackedMatrix{T}"/> (the per-step recurrent product) are split by column panels. Other products are split along the longer of m and n, so the operand each thread packs a copy of is
/// the smaller one (splitting rows of C makes every thread pack all of B, splitting columns all of A). A product is cut
/// into one block per thread, or up to four while blocks keep 512 rows or columns; thread t owns the t-th run of consecutive blocks and works through it in order,
/// so when every thread keeps up, the same thread computes the same columns at every time step and its share of the
/// packed weights stays in its own core's L2 where it fits (DeepCPU's scheme). A thread that has finished its run takes
/// over unclaimed blocks from the far end of the others' runs, so a worker that is slow to wake or shares its core with
/// another process costs at most the blocks it has already claimed.</para>
/// <para><b>Cost.</b> A call allocates nothing. Workers spin for a short while after each product, so the next one
/// (the next time step) reaches them within a microsecond, then sleep on a semaphore, which takes tens of microseconds
/// to wake. Products below <see cref="MinimumWork"/> are not split: waking a thread and packing a second copy of the
/// unsplit operand would cost more than they save. On a machine whose cores are all busy with other processes a split
/// product can be slower than one thread (a worker descheduled in the middle of a block holds the product up until the
/// operating system runs it again); use the workers when the threads can have cores to themselves.</para>
/// <para><b>Threads.</b> One instance runs one product at a time: a second thread calling with the same instance while it
/// is busy simply runs its product alone. Worker threads are background threads; <see cref="Dispose"/> stops them and
/// waits for them to end. The scope of <see cref="Use"/> belongs to the thread that opened it.</para>
/// </remarks>
public sealed class GemmWorkers : IDisposable
{
    /// <summary>
    /// The default <see cref="MinimumWork"/>: m·n·k = 2²⁰ (about 1M multiply-adds), the size from which splitting a
    /// product between two threads pays; below about half of it the hand-off to a worker costs as much as the work.
    /// </summary>
    public const long DefaultMinimumWork = 1L << 20;

    /// <summary>The most threads a product can be split between (blocks are tracked in one 32-bit mask).</summary>
    public const int MaxThreads = 32;

    /// <summary>How long a worker keeps spinning for the next product before it sleeps, in stopwatch ticks.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    [ThreadStatic] private static GemmWorkers? t_current;

    private readonly Thread[] _threads;
    private readonly Helper[] _helpers;
    private readonly SemaphoreSlim _callerWake = new(0);

    /// <summary>The product being run. Written by the caller before it publishes a new sequence number in
    /// <see cref="_claims"/>, read by a thread only after it has claimed a block of that product.</summary>
    private GemmJob _job;

    /// <summary>The current product's <see cref="ClaimsHeader"/> and, in the low 32 bits, the blocks claimed so far.</summary>
    private long _claims;

    /// <summary>Sequence number of the latest product, which workers watch.</summary>
    private int _sequence;

    /// <summary>Blocks of the current product not finished yet.</summary>
    private int _remaining;

    /// <summary>1 while a product runs (the instance is not reentrant; a second caller runs its product alone).</summary>
    private int _busy;

    private int _callerSleeping;
    private long _productsSplit;
    private volatile bool _stopping;
    private int _disposed;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Starts <paramref name="threads"/> − 1 worker threads: a product is shared by the calling thread and the workers.</summary>
    /// <param name="threads">Threads per product, the caller included: 2 on a two-core machine; 1 starts no thread and
    /// splits nothing.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1 or above <see cref="MaxThreads"/>.</exception>
    public GemmWorkers(int threads)
        : this(threads, DefaultMinimumWork)
    {
    }

    /// <summary>Starts <paramref name="threads"/> − 1 worker threads that share products of at least
    /// <paramref name="minimumWork"/> multiply-adds (m·n·k).</summary>
    /// <param name="threads">Threads per product, the caller included.</param>
    /// <param name="minimumWork">The smallest m·n·k that is split; smaller products run on the calling thread alone.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1 or above <see cref="MaxThreads"/>,
    /// or <paramref name="minimumWork"/> is negative.</exception>
    public GemmWorkers(int threads, long minimumWork)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, MaxThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumWork);
        Threads = threads;
        MinimumWork = minimumWork;
        _helpers = new Helper[threads - 1];
        _threads = new Thread[threads - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _helpers[i] = new Helper();
            _threads[i] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"RnnGen GEMM worker {i + 1}",
            };
            _threads[i].Start(i);
        }
    }

    /// <summary>Threads a product is split between, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>The smallest m·n·k that is split.</summary>
    public long MinimumWork { get; }

    /// <summary>The workers the current thread's GEMM calls use, or <see langword="null"/> outside any <see cref="Use"/> scope
    /// (or inside <c>Use(null)</c>).</summary>
    public static GemmWorkers? Current => t_current;

    /// <summary>
    /// Makes <paramref name="workers"/> the current thread's workers until the returned scope is disposed, which restores
    /// the previous ones (scopes nest; <c>Use(null)</c> turns splitting off inside a scope). The scope is a struct:
    /// opening and closing it allocates nothing.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="workers"/> has been disposed.</exception>
    public static Scope Use(GemmWorkers? workers)
    {
        if (workers is not null) ObjectDisposedException.ThrowIf(Volatile.Read(ref workers._disposed) != 0, workers);
        GemmWorkers? previous = t_current;
        t_current = workers;
        return new Scope(previous);
    }

    /// <summary>The scope of <see cref="Use"/>: disposing it restores the workers that were current before.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly GemmWorkers? _previous;
        private readonly bool _opened;

        internal Scope(GemmWorkers? previous)
        {
            _previous = previous;
            _opened = true;
        }

        /// <summary>Restores the workers that were current when the scope was opened (nothing for a default scope).</summary>
        public void Dispose()
        {
            if (_opened) t_current = _previous;
        }
    }

    /// <summary>
    /// The workers to split the current thread's product with, or <see langword="null"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The current workers have been disposed.</exception>
    internal static GemmWorkers? Active
    {
        get
        {
            GemmWorkers? workers = t_current;
            if (workers is not null && Volatile.Read(ref workers._disposed) != 0) ThrowDisposed();
            return workers;
        }
    }

    [DoesNotReturn]
    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(GemmWorkers), "The GemmWorkers current on this thread (GemmWorkers.Use) have been disposed.");

    /// <summary>
    /// Runs <paramref name="job"/>, split into <see cref="GemmJob.Blocks"/> blocks owned in contiguous runs by the
    /// threads in order (the caller owns the first run). Returns false, having done nothing, when another thread is
    /// using these workers.
    /// </summary>
    internal bool TryRun(in GemmJob job)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        try
        {
            int blocks = job.Blocks;
            Debug.Assert(blocks is > 1 and <= MaxBlocks);
            _job = job;
            _failure = null;
            Volatile.Write(ref _remaining, blocks);
            int sequence = _sequence + 1;
            // Publishing the claims word makes the job visible: a thread reads _job only after claiming a block of it.
            // Blocks the product does not have are marked claimed.
            uint absent = blocks == MaxBlocks ? 0u : ~((1u << blocks) - 1);
            Interlocked.Exchange(ref _claims, ClaimsHeader(sequence, blocks) | absent);
            Volatile.Write(ref _sequence, sequence);
            for (int i = 0; i < _helpers.Length; i++)
                if (Interlocked.Exchange(ref _helpers[i].Sleeping, 0) == 1) _helpers[i].Wake.Release();

            Work(sequence, owner: 0);
            WaitForBlocks();
            _failure?.Throw();
            Interlocked.Increment(ref _productsSplit);
            return true;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>The most blocks a product is split into: one bit each in the claims word.</summary>
    internal const int MaxBlocks = 32;

    /// <summary>The high half of the claims word: 24 bits of the product's sequence number (a thread is never that many
    /// products behind), 8 bits of its block count.</summary>
    private static long ClaimsHeader(int sequence, int blocks) => ((long)(sequence & 0xFFFFFF) << 40) | ((long)blocks << 32);

    private static bool IsCurrent(long claims, int sequence) => (int)(claims >>> 40) == (sequence & 0xFFFFFF);

    /// <summary>The thread that owns block <paramref name="block"/> of <paramref name="blocks"/>: contiguous runs, in order.</summary>
    private int Owner(int block, int blocks) => (int)((long)block * Threads / blocks);

    /// <summary>
    /// Runs the blocks this thread owns, in order, then takes over blocks nobody has claimed yet, from the far end (so a
    /// late owner, working forwards through its own run, meets this thread in the middle).
    /// </summary>
    private void Work(int sequence, int owner)
    {
        long claims = Volatile.Read(ref _claims);
        if (!IsCurrent(claims, sequence)) return;
        int blocks = (int)(claims >> 32) & 0xFF;
        for (int block = 0; block < blocks; block++)
            if (Owner(block, blocks) == owner && TryClaim(sequence, block) == Claim.Stale) return;
        if (OwnersOnly) return;
        for (int block = blocks - 1; block >= 0; block--)
            if (Owner(block, blocks) != owner && TryClaim(sequence, block) == Claim.Stale) return;
    }

    private enum Claim { Claimed, Taken, Stale }

    /// <summary>Claims and runs block <paramref name="block"/> of product <paramref name="sequence"/>.
    /// <see cref="Claim.Stale"/>: every block is claimed, or the product is no longer current (a worker that woke late
    /// must not touch the next one).</summary>
    private Claim TryClaim(int sequence, int block)
    {
        long bit = 1L << block;
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            if (!IsCurrent(claims, sequence) || (uint)claims == uint.MaxValue) return Claim.Stale;
            if ((claims & bit) != 0) return Claim.Taken;
            if (Interlocked.CompareExchange(ref _claims, claims | bit, claims) == claims)
            {
                // _job is stable from here: the caller cannot finish this product before this block is done.
                RunBlock(block);
                return Claim.Claimed;
            }
        }
    }

    private void RunBlock(int block)
    {
        try
        {
            _job.RunBlock(block);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
        }
        if (Interlocked.Decrement(ref _remaining) == 0 && Interlocked.Exchange(ref _callerSleeping, 0) == 1)
            _callerWake.Release();
    }

    /// <summary>Waits until every block is done: spinning first (a worker's block ends about when the caller's does),
    /// then on a semaphore.</summary>
    private void WaitForBlocks()
    {
        var spinner = new SpinWait();
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _remaining) != 0)
        {
            if (Stopwatch.GetTimestamp() - start < s_spinTicks)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            Interlocked.Exchange(ref _callerSleeping, 1);
            if (Volatile.Read(ref _remaining) == 0)
            {
                // The last block may have ended between the two reads; if its thread saw the flag it released the
                // semaphore, and that release must be consumed.
                if (Interlocked.Exchange(ref _callerSleeping, 0) == 0) _callerWake.Wait();
                return;
            }
            _callerWake.Wait();
        }
    }

    private void WorkerLoop(object? state)
    {
        int index = (int)state!;
        Helper helper = _helpers[index];
        int seen = 0;
        while (true)
        {
            int sequence = WaitForProduct(helper, seen);
            if (_stopping) return;
            seen = sequence;
            Work(sequence, owner: index + 1);
            Volatile.Write(ref helper.AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    /// <summary>Spins for <see cref="s_spinTicks"/>, then sleeps, until the sequence number differs from <paramref name="seen"/>.</summary>
    private int WaitForProduct(Helper helper, int seen)
    {
        var spinner = new SpinWait();
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            int sequence = Volatile.Read(ref _sequence);
            if (sequence != seen || _stopping) return sequence;
            if (Stopwatch.GetTimestamp() - start < s_spinTicks)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            Interlocked.Exchange(ref helper.Sleeping, 1);
            sequence = Volatile.Read(ref _sequence);
            if (sequence != seen || _stopping)
            {
                // The caller may have seen the flag (and released) between the two reads: consume that release.
                if (Interlocked.Exchange(ref helper.Sleeping, 0) == 0) helper.Wake.Wait();
                return sequence;
            }
            helper.Wake.Wait();
            start = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Stops the worker threads and waits for them to end (after the product in progress, if any). Using the
    /// workers afterwards (<see cref="Use"/>, or a GEMM call inside a scope that names them) throws
    /// <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var spinner = new SpinWait();
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) spinner.SpinOnce();
        _stopping = true;
        Interlocked.Increment(ref _sequence);
        foreach (Helper helper in _helpers)
            if (Interlocked.Exchange(ref helper.Sleeping, 0) == 1) helper.Wake.Release();
        foreach (Thread thread in _threads) thread.Join();
        foreach (Helper helper in _helpers) helper.Wake.Dispose();
        _callerWake.Dispose();
    }

    /// <summary>Products split so far (for tests).</summary>
    internal long ProductsSplit => Volatile.Read(ref _productsSplit);

    /// <summary>Test hook: every block runs on its owner, none is taken over, so each worker is known to have run its
    /// block of every product (the allocation test relies on it).</summary>
    internal bool OwnersOnly { get; set; }

    /// <summary>Whether the worker threads are still running (for tests of <see cref="Dispose"/>).</summary>
    internal bool AnyThreadAlive => _threads.Any(t => t.IsAlive);

    /// <summary>Bytes the worker threads had allocated when they last finished their share of a product (for the test that
    /// steady-state products allocate nothing: the process-wide counter also sees the test runner's threads).</summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            foreach (Helper helper in _helpers) sum += Volatile.Read(ref helper.AllocatedBytes);
            return sum;
        }
    }

    /// <summary>One worker's sleep flag and wake-up semaphore.</summary>
    private sealed class Helper
    {
        public int Sleeping;
        public long AllocatedBytes;
        public readonly SemaphoreSlim Wake = new(0);
    }
}
