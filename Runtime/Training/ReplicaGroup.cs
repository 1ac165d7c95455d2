using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Kernels;

namespace RnnGen.Training;

/// <summary>
/// The work one replica of a <see cref="ReplicaGroup{TModel, T}"/> does in a step: its forward pass, loss and (when the
/// group trains) backward pass, on its own slice of the data. A struct implementing it is called without boxing or
/// allocating; one instance is called from several threads at once, so keep per-replica results in arrays indexed by
/// <c>replica</c>.
/// </summary>
/// <typeparam name="TModel">The generated model class (or an interface it implements).</typeparam>
/// <typeparam name="T">Element type of parameters.</typeparam>
public interface IReplicaStep<in TModel, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Runs replica <paramref name="replica"/>: forward, loss and, in <see cref="ReplicaGroup{TModel, T}.TrainStep{TStep}"/>,
    /// backward (adding into the replica's gradients, which the group has zeroed). Returns the replica's loss.
    /// </summary>
    T Run(TModel model, int replica);
}

/// <summary>How a <see cref="ReplicaGroup{TModel, T}"/> combines the replicas' gradients and losses.</summary>
public enum ReplicaReduction
{
    /// <summary>
    /// The mean over replicas: right when each replica's loss averages over its lanes (the built-in loss,
    /// <see cref="LossReduction.SumOverStepsMeanOverLanes"/>), so N replicas of batch B/N step as one model of batch B.
    /// </summary>
    Mean,

    /// <summary>The sum over replicas: right when each replica's loss is already divided by the lanes (or tokens) of the whole group.</summary>
    Sum,
}

/// <summary>A replica of a <see cref="ReplicaGroup{TModel, T}"/> threw; <see cref="Exception.InnerException"/> is what it threw.</summary>
public sealed class ReplicaFailedException : Exception
{
    /// <summary>Wraps what replica <paramref name="replica"/> threw.</summary>
    public ReplicaFailedException(int replica, Exception innerException)
        : base($"Replica {replica} failed: {innerException?.Message} The parameters were not updated.", innerException)
    {
        Replica = replica;
    }

    /// <summary>The replica that threw (the first in replica order when several did).</summary>
    public int Replica { get; }
}

/// <summary>
/// Data-parallel training: N replicas of one generated model class over one <see cref="SharedParameters{T}"/>, each
/// running its own slice of the data on one of <see cref="Threads"/> threads, then one update of the shared parameters
/// (README, "Replicas").
/// </summary>
/// <remarks>
/// <para><b>A step.</b> <see cref="TrainStep{TStep}"/> zeroes every replica's gradients and calls the step for each
/// (replica r on thread r mod <see cref="Threads"/>; the caller's thread is thread 0 and the others are dedicated
/// background threads created once). Then the gradients are summed into the first replica's in replica order,
/// divided by N (<see cref="ReplicaReduction.Mean"/>), clipped by global norm (<see cref="ClipNorm"/>) and applied
/// once by the optimizer. The sum is split across the threads by ranges of elements, but every element is summed in
/// replica order and the norm is summed over fixed blocks in block order, so the parameters are bit-identical for any
/// thread count and timing. No parameters are copied: every replica computes with the one buffer.</para>
/// <para><b>Failures.</b> An exception in a replica is rethrown on the caller as <see cref="ReplicaFailedException"/>
/// naming the replica, before any update. A loss or gradient that is not finite throws
/// <see cref="TrainingDivergedException"/> before the update; an update that makes parameters non-finite throws it after.</para>
/// <para><b>Dropout.</b> Each replica after the first gets a generator seeded from the first's, so the replicas draw
/// different masks that all follow from the first replica's seed.</para>
/// <para><b>Cost.</b> A step allocates nothing once warm (a struct step is called without boxing). Waiting threads spin
/// briefly before they block.</para>
/// </remarks>
/// <typeparam name="TModel">The generated model class (or an interface it implements, as long as every replica is of one class).</typeparam>
/// <typeparam name="T">Element type of parameters.</typeparam>
public sealed class ReplicaGroup<TModel, T> : IDisposable
    where TModel : class, IRnnModel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per block of the reduction: the unit a thread sums, scales and squares while it is in cache.</summary>
    private const int Block = 4096;

    private readonly TModel[] _replicas;
    private readonly bool _ownsOthers;
    private readonly T[] _losses;
    private readonly Exception?[] _errors;
    private readonly double[] _blockSquares;
    private readonly int _blocks;
    private readonly Workers? _workers;
    private readonly StepRunner?[] _runners = new StepRunner?[4];
    private int _nextRunner;
    private bool _disposed;

    // What the threads do in the current phase (written by the caller before it wakes them).
    private StepRunner? _runner;
    private bool _zeroGradients;
    private bool _reducing;
    private T _scale;

    /// <summary>
    /// Creates <paramref name="count"/> replicas: <paramref name="first"/> and <paramref name="count"/> − 1 more created by
    /// <paramref name="create"/> over <c>first.SharedParameters</c> (for a generated class <c>M</c>: <c>p =&gt; new M(p)</c>).
    /// <see cref="Dispose"/> disposes the replicas created here, not <paramref name="first"/>.
    /// </summary>
    /// <param name="first">The replica that owns the parameters.</param>
    /// <param name="count">Replicas, at least 1.</param>
    /// <param name="create">Creates a replica over the given parameters.</param>
    /// <param name="threads">Threads the replicas run on (at most <paramref name="count"/> are used); results do not depend on it.</param>
    public ReplicaGroup(TModel first, int count, Func<SharedParameters<T>, TModel> create, int threads)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var replicas = new TModel[count];
        replicas[0] = first;
        try
        {
            for (int r = 1; r < count; r++)
                replicas[r] = create(first.SharedParameters) ?? throw new ArgumentException($"The factory returned null for replica {r}.", nameof(create));
            Check(replicas, nameof(create));
        }
        catch
        {
            for (int r = 1; r < count; r++) replicas[r]?.Dispose();
            throw;
        }
        _ownsOthers = true;
        _replicas = replicas;
        (_losses, _errors, _blocks, _blockSquares, Threads) = Setup(replicas, threads);
        if (Threads > 1) _workers = new Workers(this, Threads);
    }

    /// <summary>
    /// Groups <paramref name="replicas"/>: distinct instances of one class, the first owning the parameters and the others
    /// created over its <c>SharedParameters</c>. <see cref="Dispose"/> does not dispose them.
    /// </summary>
    /// <param name="replicas">One or more replicas.</param>
    /// <param name="threads">Threads the replicas run on (at most one per replica); results do not depend on it.</param>
    /// <exception cref="ArgumentException">The replicas are of different classes, repeat an instance, or do not share one parameter buffer.</exception>
    public ReplicaGroup(IReadOnlyList<TModel> replicas, int threads)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (replicas.Count == 0) throw new ArgumentException("At least one replica is needed.", nameof(replicas));
        _replicas = new TModel[replicas.Count];
        for (int r = 0; r < _replicas.Length; r++) _replicas[r] = replicas[r] ?? throw new ArgumentNullException(nameof(replicas), $"Replica {r} is null.");
        Check(_replicas, nameof(replicas));
        (_losses, _errors, _blocks, _blockSquares, Threads) = Setup(_replicas, threads);
        if (Threads > 1) _workers = new Workers(this, Threads);
    }

    /// <summary>Replicas in the group.</summary>
    public int Count => _replicas.Length;

    /// <summary>Threads the replicas run on: the requested count, at most one per replica.</summary>
    public int Threads { get; }

    /// <summary>Replica <paramref name="replica"/>; replica 0 owns the parameters and its gradients receive the reduced gradient.</summary>
    public TModel this[int replica] => _replicas[replica];

    /// <summary>The first replica: the one whose <c>Parameters</c> the optimizer steps (every replica computes with them).</summary>
    public TModel Model => _replicas[0];

    /// <summary>Gradient clipping by global norm before each update; 0 (the default) turns it off.</summary>
    public T ClipNorm { get; set; }

    /// <summary>How gradients and losses combine over the replicas (default <see cref="ReplicaReduction.Mean"/>).</summary>
    public ReplicaReduction Reduction { get; set; }

    /// <summary>Each replica's loss in the last step.</summary>
    public ReadOnlySpan<T> Losses => _losses;

    /// <summary>The global norm of the reduced gradient in the last <see cref="TrainStep{TStep}"/>, before clipping.</summary>
    public T GradientNorm { get; private set; }

    /// <summary>
    /// Runs <paramref name="step"/> on every replica without touching gradients or parameters (evaluation); returns the
    /// replicas' losses combined as <see cref="Reduction"/> says, in double precision.
    /// </summary>
    /// <exception cref="ReplicaFailedException">A replica threw.</exception>
    public double Run<TStep>(TStep step) where TStep : IReplicaStep<TModel, T>
    {
        RunReplicas(step, zeroGradients: false);
        return CombinedLoss();
    }

    /// <summary>
    /// One data-parallel training step: zeroes every replica's gradients, runs <paramref name="step"/> on every replica
    /// (forward, loss, backward), reduces the gradients into the first replica's, clips them and applies
    /// <paramref name="optimizer"/> once to the shared parameters. Returns the replicas' losses combined as
    /// <see cref="Reduction"/> says (before the update).
    /// </summary>
    /// <exception cref="ReplicaFailedException">A replica threw; the parameters were not updated.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the gradient is not finite (no update applied), or the update made parameters non-finite.</exception>
    public double TrainStep<TStep>(TStep step, IOptimizer<T> optimizer) where TStep : IReplicaStep<TModel, T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        RunReplicas(step, zeroGradients: true);
        double loss = CombinedLoss();
        Span<T> g = _replicas[0].Gradients;
        T norm;
        if (_replicas.Length == 1)
        {
            // One replica: nothing to reduce, and the norm is GradientClipping's, as TrainStep of the model computes it.
            norm = ClipNorm > T.Zero ? GradientClipping.ClipByGlobalNorm(g, ClipNorm) : GradientClipping.GlobalNorm<T>(g);
        }
        else
        {
            _scale = Reduction == ReplicaReduction.Mean ? T.One / T.CreateTruncating(_replicas.Length) : T.One;
            _reducing = true;
            try
            {
                Dispatch();
            }
            finally
            {
                _reducing = false;
            }
            double squares = 0;
            foreach (double s in _blockSquares) squares += s;
            norm = T.CreateTruncating(Math.Sqrt(squares));
            if (ClipNorm > T.Zero) GradientClipping.ScaleToNorm(g, norm, ClipNorm);
        }
        GradientNorm = norm;
        if (!double.IsFinite(loss) || !T.IsFinite(norm)) throw new TrainingDivergedException(loss, double.CreateTruncating(norm));
        optimizer.Step(_replicas[0].Parameters, g);
        _replicas[0].SharedParameters.MarkWritten(); // after the write: a copy made from the values before it is stale
        TrainingDivergedException.ThrowIfParametersNotFinite<T>(_replicas[0].Parameters, _replicas[0].Tensors, loss, double.CreateTruncating(norm));
        return loss;
    }

    /// <summary>
    /// <see cref="TrainStep{TStep}"/> with a delegate for the step: (replica model, replica number) → its loss. Create the
    /// delegate once (a lambda made per step allocates).
    /// </summary>
    public double TrainStep(Func<TModel, int, T> step, IOptimizer<T> optimizer)
    {
        ArgumentNullException.ThrowIfNull(step);
        return TrainStep(new DelegateStep(step), optimizer);
    }

    /// <summary>Stops the threads and disposes the replicas the group created.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _workers?.Dispose();
        if (_ownsOthers)
            for (int r = 1; r < _replicas.Length; r++) _replicas[r].Dispose();
    }

    private static void Check(TModel[] replicas, string paramName)
    {
        TModel first = replicas[0];
        Type type = first.GetType();
        ref T buffer = ref MemoryMarshal.GetReference(first.Parameters);
        for (int r = 1; r < replicas.Length; r++)
        {
            TModel m = replicas[r];
            if (m.GetType() != type)
                throw new ArgumentException($"Replica {r} is a {m.GetType().Name}, replica 0 a {type.Name}: replicas are instances of one model class.", paramName);
            if (Array.IndexOf(replicas, m, 0, r) >= 0)
                throw new ArgumentException($"Replica {r} is the same instance as an earlier one: each replica needs its own instance.", paramName);
            if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(m.Parameters), ref buffer) || m.ParameterCount != first.ParameterCount)
                throw new ArgumentException(
                    $"Replica {r} has its own parameters: create every replica after the first over the first's SharedParameters (new {type.Name}(first.SharedParameters)).",
                    paramName);
        }
    }

    private static (T[] Losses, Exception?[] Errors, int Blocks, double[] BlockSquares, int Threads) Setup(TModel[] replicas, int threads)
    {
        TModel first = replicas[0];
        // Replicas over shared parameters all start dropout from seed 0: each after the first gets a generator seeded from
        // the first's, so the masks differ between replicas and still follow from that one seed.
        for (int r = 1; r < replicas.Length; r++) replicas[r].DropoutRandom = new Randomness.Xoshiro256StarStar(first.DropoutRandom.NextUInt64());
        int blocks = (first.ParameterCount + Block - 1) / Block;
        return (new T[replicas.Length], new Exception?[replicas.Length], blocks, new double[blocks], Math.Min(threads, replicas.Length));
    }

    private void RunReplicas<TStep>(TStep step, bool zeroGradients) where TStep : IReplicaStep<TModel, T>
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        StepRunner<TStep> runner = RunnerFor<TStep>();
        runner.Step = step;
        _runner = runner;
        _zeroGradients = zeroGradients;
        try
        {
            Dispatch();
        }
        finally
        {
            runner.Step = default!;
            _runner = null;
        }
        for (int r = 0; r < _errors.Length; r++)
        {
            if (_errors[r] is { } error)
            {
                Array.Clear(_errors);
                throw new ReplicaFailedException(r, error);
            }
        }
    }

    /// <summary>The cached holder of steps of type <typeparamref name="TStep"/> (allocated on the first step of each type).</summary>
    private StepRunner<TStep> RunnerFor<TStep>() where TStep : IReplicaStep<TModel, T>
    {
        foreach (StepRunner? r in _runners)
            if (r is StepRunner<TStep> found) return found;
        var runner = new StepRunner<TStep>();
        _runners[_nextRunner] = runner;
        _nextRunner = (_nextRunner + 1) % _runners.Length;
        return runner;
    }

    private double CombinedLoss()
    {
        double loss = 0;
        foreach (T l in _losses) loss += double.CreateTruncating(l);
        return Reduction == ReplicaReduction.Mean ? loss / _replicas.Length : loss;
    }

    /// <summary>Runs the current phase on every thread (the caller is thread 0) and returns when all are done.</summary>
    private void Dispatch()
    {
        if (_workers is null) RunShare(0);
        else _workers.Run();
    }

    /// <summary>Thread <paramref name="thread"/>'s share of the current phase: its replicas, or its blocks of the reduction.</summary>
    private void RunShare(int thread)
    {
        if (_reducing)
        {
            int first = (int)((long)_blocks * thread / Threads), end = (int)((long)_blocks * (thread + 1) / Threads);
            for (int b = first; b < end; b++) ReduceBlock(b);
            return;
        }
        for (int r = thread; r < _replicas.Length; r += Threads)
        {
            try
            {
                TModel m = _replicas[r];
                if (_zeroGradients) m.ZeroGradients();
                _losses[r] = _runner!.Run(m, r);
            }
            catch (Exception ex)
            {
                _errors[r] = ex;
            }
        }
    }

    /// <summary>
    /// Block <paramref name="b"/> of the gradient: g₀ += g₁ + … + g_(N−1) in replica order, times the scale, and the sum of
    /// its squares (the block always starts at the same element, so the same for any thread count).
    /// </summary>
    private unsafe void ReduceBlock(int b)
    {
        int start = b * Block, count = Math.Min(Block, _replicas[0].ParameterCount - start);
        Span<T> into = _replicas[0].Gradients.Slice(start, count);
        fixed (T* a = into)
        {
            for (int r = 1; r < _replicas.Length; r++)
            {
                fixed (T* other = _replicas[r].Gradients.Slice(start, count)) Kernels.Elementwise.Add(a, other, a, count);
            }
            if (_scale != T.One) Kernels.Elementwise.Scale(a, a, count, _scale);
        }
        _blockSquares[b] = GradientClipping.SumOfSquares<T>(into);
    }

    private readonly struct DelegateStep(Func<TModel, int, T> step) : IReplicaStep<TModel, T>
    {
        public T Run(TModel model, int replica) => step(model, replica);
    }

    private abstract class StepRunner
    {
        public abstract T Run(TModel model, int replica);
    }

    private sealed class StepRunner<TStep> : StepRunner where TStep : IReplicaStep<TModel, T>
    {
        public TStep Step = default!;

        public override T Run(TModel model, int replica) => Step.Run(model, replica);
    }

    /// <summary>
    /// Dedicated background threads 1 … threads − 1 (the caller is thread 0). A phase wakes each through its own gate and
    /// the last to finish opens the caller's; a waiting thread spins for a short while before it blocks, since a step's
    /// phases follow one another within a millisecond or so.
    /// </summary>
    private sealed class Workers : IDisposable
    {
        private readonly ReplicaGroup<TModel, T> _owner;
        private readonly Gate[] _start;
        private readonly Gate _done = new();
        private readonly Thread[] _threads;
        private int _pending, _doneSeen;
        private volatile bool _stopping;
        private Exception? _failure;

        public Workers(ReplicaGroup<TModel, T> owner, int threads)
        {
            _owner = owner;
            _start = new Gate[threads];
            _threads = new Thread[threads - 1];
            for (int t = 1; t < threads; t++)
            {
                _start[t] = new Gate();
                int id = t;
                _threads[t - 1] = new Thread(() => Work(id)) { IsBackground = true, Name = $"RnnGen replica thread {id}" };
                _threads[t - 1].Start();
            }
        }

        private SimdPath? _path;

        public void Run()
        {
            // The caller's SIMD path (a test may force one on its thread) is the workers' too, so every replica and
            // every block of the reduction computes the same way whichever thread runs it.
            _path = SimdPaths.Forced;
            Volatile.Write(ref _pending, _start.Length - 1);
            for (int t = 1; t < _start.Length; t++) _start[t].Open();
            try
            {
                _owner.RunShare(0);
            }
            catch (Exception ex)
            {
                _failure = ex;
            }
            // Always wait: the next phase must not start while a worker is still in this one.
            _done.Wait(ref _doneSeen);
            if (_failure is { } failure)
            {
                _failure = null;
                throw new InvalidOperationException("A replica thread failed outside a replica's step.", failure);
            }
        }

        private void Work(int thread)
        {
            int seen = 0;
            while (true)
            {
                _start[thread].Wait(ref seen);
                if (_stopping) return;
                SimdPaths.Forced = _path;
                try
                {
                    _owner.RunShare(thread);
                }
                catch (Exception ex)
                {
                    _failure = ex;
                }
                if (Interlocked.Decrement(ref _pending) == 0) _done.Open();
            }
        }

        public void Dispose()
        {
            if (_stopping) return;
            _stopping = true;
            for (int t = 1; t < _start.Length; t++) _start[t].Open();
            foreach (Thread w in _threads) w.Join();
            for (int t = 1; t < _start.Length; t++) _start[t].Dispose();
            _done.Dispose();
        }
    }

    /// <summary>
    /// A one-waiter event by generation: <see cref="Open"/> advances the generation; <see cref="Wait"/> returns once it
    /// differs from the one the waiter saw last, spinning up to <see cref="SpinTicks"/> before it blocks on a semaphore.
    /// The waiter announces that it blocks (<c>_sleeping</c>) and checks the generation again, and the opener releases the
    /// semaphore only when it takes that announcement back, so every release is consumed and no wake-up is lost.
    /// </summary>
    private sealed class Gate : IDisposable
    {
        private static readonly long SpinTicks = Environment.ProcessorCount > 1 ? Stopwatch.Frequency / 10_000 : 0; // 100 µs

        private readonly SemaphoreSlim _semaphore = new(0);
        private int _generation, _sleeping;

        public void Open()
        {
            Interlocked.Increment(ref _generation);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _semaphore.Release();
        }

        public void Wait(ref int seen)
        {
            if (Volatile.Read(ref _generation) == seen && SpinTicks > 0)
            {
                long until = Stopwatch.GetTimestamp() + SpinTicks;
                while (Volatile.Read(ref _generation) == seen && Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
            }
            if (Volatile.Read(ref _generation) == seen)
            {
                Interlocked.Exchange(ref _sleeping, 1);
                // Opened in between: take the announcement back; if the opener took it first, it released the semaphore.
                if (Volatile.Read(ref _generation) == seen || Interlocked.Exchange(ref _sleeping, 0) == 0) _semaphore.Wait();
            }
            seen = Volatile.Read(ref _generation);
        }

        public void Dispose() => _semaphore.Dispose();
    }
}
