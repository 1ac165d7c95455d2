using System.Numerics;

namespace RnnGen.Training;

/// <summary>What one pass over a stream measured.</summary>
/// <param name="MeanLoss">Cross-entropy per counted token, in nats (divide by ln 2 for bits).</param>
/// <param name="Windows">Windows (training steps) taken.</param>
/// <param name="Tokens">Targets counted, over all lanes.</param>
public readonly record struct StreamResult(double MeanLoss, int Windows, long Tokens);

/// <summary>
/// Truncated backpropagation through time, TBPTT(k1, k2), over a long token stream (README, "3. Train"), optionally
/// data-parallel over replicas of one generated model. The stream is cut into <see cref="Lanes"/> contiguous lanes
/// (replicas × <c>Batch</c>; replica r reads lanes r·Batch … r·Batch + Batch − 1); each lane is read in windows of
/// k2 = <c>Steps</c> tokens that advance by k1 = <see cref="Stride"/> ≤ k2. A window starts from the state the previous
/// window had after its first k1 steps (carried, not differentiated) and counts the loss of its last k1 outputs only, so
/// every position of the stream is counted once; the first window counts all of its outputs.
/// </summary>
/// <remarks>
/// <para><b>Replicas.</b> The replicas share one parameter buffer (every one after the first is created over the first's
/// <c>SharedParameters</c>) and run as a <see cref="ReplicaGroup{TModel, T}"/>: each runs the forward and backward pass of
/// its own lanes (on <see cref="Threads"/> threads: replica r on thread r mod Threads); their gradients are then summed
/// into the first replica's in replica order and divided by the number of replicas — the gradient of one model with all
/// lanes in its batch, since the loss averages over lanes — clipped and applied once to the shared parameters. The sum
/// has a fixed order, so the parameters are bit-identical for any thread count.</para>
/// <para><b>Cost.</b> After the first window a window allocates nothing on the calling thread; the worker threads are
/// dedicated background threads created by the constructor (<see cref="Dispose"/> stops them).</para>
/// </remarks>
public sealed class StreamTrainer<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IRnnModel<T>[] _replicas;
    private readonly ITokenInputModel<T>[] _inputs;
    private readonly IClassTargetModel<T>[] _targets;
    private readonly int[][] _x, _y;
    private readonly T[][] _trainState, _evaluationState;
    private readonly ReplicaGroup<IRnnModel<T>, T> _group;
    private readonly WindowStep _step;

    // The window the replicas are running (read by the workers after they are woken).
    private T[][] _runState = [];
    private int _runCounted, _runStride;
    private bool _runBackward;

    /// <summary>Creates a trainer for a many-to-many token model with class targets.</summary>
    /// <param name="model">A generated model with <see cref="TokenInputAttribute"/> and <see cref="SoftmaxOutputAttribute"/>.</param>
    /// <param name="stride">k1: steps a window advances, from 1 to <c>Steps</c> (k1 = k2: windows do not overlap).</param>
    public StreamTrainer(IRnnModel<T> model, int stride)
        : this([model ?? throw new ArgumentNullException(nameof(model))], stride, 1)
    {
    }

    /// <summary>
    /// Creates a data-parallel trainer over <paramref name="replicas"/>: instances of one generated class, the first
    /// owning the parameters and the others created over its <c>SharedParameters</c> (<c>new M(first.SharedParameters)</c>).
    /// </summary>
    /// <param name="replicas">One or more instances of the same many-to-many token model with a softmax output, sharing one parameter buffer.</param>
    /// <param name="stride">k1: steps a window advances, from 1 to <c>Steps</c>.</param>
    /// <param name="threads">Threads the replicas run on (clamped to the number of replicas); results do not depend on it.</param>
    public StreamTrainer(IReadOnlyList<IRnnModel<T>> replicas, int stride, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        if (replicas.Count == 0) throw new ArgumentException("At least one model is needed.", nameof(replicas));
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _replicas = new IRnnModel<T>[replicas.Count];
        _inputs = new ITokenInputModel<T>[replicas.Count];
        _targets = new IClassTargetModel<T>[replicas.Count];
        for (int r = 0; r < replicas.Count; r++)
        {
            IRnnModel<T> model = replicas[r] ?? throw new ArgumentNullException(nameof(replicas), $"Replica {r} is null.");
            if (model is not ITokenInputModel<T> inputs || model is not IClassTargetModel<T> targets)
                throw new ArgumentException("Stream training needs a model with token input and a softmax output.", nameof(replicas));
            _replicas[r] = model;
            _inputs[r] = inputs;
            _targets[r] = targets;
        }
        IRnnModel<T> first = _replicas[0];
        if (first.OutputSteps != first.Steps)
            throw new ArgumentException("Stream training needs a many-to-many model (an output at every step).", nameof(replicas));
        if (stride < 1 || stride > first.Steps)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride k1 must lie in [1, Steps = {first.Steps}].");
        // Lanes × window must be indexable: Fill computes positions in long, but the buffers are int-indexed.
        _ = checked(_replicas.Length * first.Batch * (first.Steps + 1));
        Stride = stride;
        int n = _replicas.Length;
        _x = new int[n][];
        _y = new int[n][];
        _trainState = new T[n][];
        _evaluationState = new T[n][];
        for (int r = 0; r < n; r++)
        {
            _x[r] = new int[first.Steps * first.Batch];
            _y[r] = new int[first.Steps * first.Batch];
            _trainState[r] = new T[first.InitialState.Length];
            _evaluationState[r] = new T[first.InitialState.Length];
        }
        // A bidirectional model has no state after a step; say so now rather than mid-epoch.
        try
        {
            first.CopyStateAfterStep(0, _trainState[0]);
        }
        catch (NotSupportedException ex)
        {
            throw new ArgumentException("Stream training needs a unidirectional model: " + ex.Message, nameof(replicas), ex);
        }
        catch (InvalidOperationException)
        {
            // No forward pass yet: the model can carry state, there is just none to copy.
        }
        Array.Clear(_trainState[0]);
        // Checks that the replicas are distinct instances of one class over one parameter buffer, and gives each after
        // the first its own dropout generator seeded from the first's.
        _group = new ReplicaGroup<IRnnModel<T>, T>(_replicas, threads);
        _step = new WindowStep(this);
    }

    /// <summary>k1: steps between windows.</summary>
    public int Stride { get; }

    /// <summary>k2: steps per window (the model's <c>Steps</c>).</summary>
    public int Window => _replicas[0].Steps;

    /// <summary>Lanes read side by side: replicas × <c>Batch</c>.</summary>
    public int Lanes => _replicas.Length * _replicas[0].Batch;

    /// <summary>Replicas trained side by side.</summary>
    public int Replicas => _replicas.Length;

    /// <summary>Threads the replicas run on.</summary>
    public int Threads => _group.Threads;

    /// <summary>The model whose parameters the optimizer updates (the first replica; every other one computes with the same parameters).</summary>
    public IRnnModel<T> Model => _replicas[0];

    /// <summary>Gradient clipping by global norm before each update; 0 turns it off.</summary>
    public T ClipNorm
    {
        get => _group.ClipNorm;
        set => _group.ClipNorm = value;
    }

    /// <summary>One pass over <paramref name="stream"/>, updating the parameters after every window.</summary>
    /// <param name="stream">Token ids; cut into <see cref="Lanes"/> contiguous lanes.</param>
    /// <param name="optimizer">Applies each window's update.</param>
    /// <param name="onWindow">Called after each window with (windows done, windows in the pass, loss per token of the window).</param>
    /// <exception cref="TrainingDivergedException">A window's loss or gradient is not finite; that update is not applied.</exception>
    public StreamResult Train(ReadOnlySpan<int> stream, IOptimizer<T> optimizer, Action<int, int, double>? onWindow = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        int windows = CheckStream(stream, Stride);
        ResetState();
        double total = 0;
        long tokens = 0;
        for (int w = 0; w < windows; w++)
        {
            double perToken = RunWindow(stream, 0, w, Stride, _trainState, optimizer);
            int counted = w == 0 ? Window : Stride;
            total += perToken * counted * Lanes;
            tokens += (long)counted * Lanes;
            onWindow?.Invoke(w + 1, windows, perToken);
        }
        return new StreamResult(total / tokens, windows, tokens);
    }

    /// <summary>
    /// Trains on window <paramref name="window"/> of a pass over <paramref name="stream"/> (the window at
    /// <c>window · Stride</c> in every lane), continuing from the state the previous window of the pass left; window 0
    /// starts from zeros and counts all of its outputs. Lane b reads from <c>shift + b · (Length / Lanes)</c>, wrapping at
    /// the end of the stream, so a new <paramref name="shift"/> per pass cuts the stream at new places. Returns the loss
    /// per counted token in nats.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or gradient is not finite; no update is applied.</exception>
    public double TrainWindow(ReadOnlySpan<int> stream, int window, IOptimizer<T> optimizer, int shift = 0)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        int windows = WindowsFor(stream.Length, Stride);
        if (windows == 0) throw ShortStream(stream.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(window, windows);
        if ((uint)shift >= (uint)stream.Length) throw new ArgumentOutOfRangeException(nameof(shift), shift, $"The shift must lie in [0, {stream.Length}).");
        if (window == 0) ResetState();
        return RunWindow(stream, shift, window, Stride, _trainState, optimizer);
    }

    /// <summary>
    /// Loss per token over <paramref name="stream"/> without training (windows that do not overlap, state carried), with
    /// <see cref="IRnnModel{T}.Training"/> off, so nothing is dropped. The training's carried state and each replica's
    /// <c>Training</c> setting are kept.
    /// </summary>
    public StreamResult Evaluate(ReadOnlySpan<int> stream)
    {
        int windows = CheckStream(stream, Window);
        foreach (T[] s in _evaluationState) Array.Clear(s);
        Span<bool> training = stackalloc bool[_replicas.Length];
        for (int r = 0; r < _replicas.Length; r++)
        {
            training[r] = _replicas[r].Training;
            _replicas[r].Training = false;
        }
        try
        {
            double total = 0;
            for (int w = 0; w < windows; w++) total += RunWindow(stream, 0, w, Window, _evaluationState, null);
            long tokens = (long)windows * Window * Lanes;
            return new StreamResult(total / windows, windows, tokens);
        }
        finally
        {
            for (int r = 0; r < _replicas.Length; r++) _replicas[r].Training = training[r];
        }
    }

    /// <summary>Forgets the carried state: the next window starts every lane from zeros.</summary>
    public void ResetState()
    {
        foreach (T[] s in _trainState) Array.Clear(s);
    }

    /// <summary>Windows one pass over a stream of <paramref name="length"/> tokens takes with a stride of <paramref name="stride"/>.</summary>
    public int WindowsFor(int length, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        int lane = length / Lanes;
        return lane < Window + 1 ? 0 : (lane - Window - 1) / stride + 1;
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _group.Dispose();

    private ArgumentException ShortStream(int length) =>
        new($"The stream has {length} tokens; {Lanes} lanes of at least {Window + 1} tokens are needed.", "stream");

    private int CheckStream(ReadOnlySpan<int> stream, int stride)
    {
        int windows = WindowsFor(stream.Length, stride);
        if (windows == 0) throw ShortStream(stream.Length);
        int used = stream.Length / Lanes * Lanes, size = _replicas[0].InputSize;
        for (int i = 0; i < used; i++)
        {
            if ((uint)stream[i] >= (uint)size)
                throw new ArgumentException($"Token id {stream[i]} at index {i} is outside [0, {size}).", nameof(stream));
        }
        return windows;
    }

    /// <summary>Runs one window on every replica; with an optimizer, reduces, clips and applies the update. Returns the loss per counted token.</summary>
    private double RunWindow(ReadOnlySpan<int> stream, int shift, int window, int stride, T[][] state, IOptimizer<T>? optimizer)
    {
        int steps = Window, counted = window == 0 ? steps : stride;
        long position = (long)window * stride;
        for (int r = 0; r < _replicas.Length; r++) Fill(stream, shift, position, r);

        _runState = state;
        _runCounted = counted;
        _runStride = stride;
        _runBackward = optimizer is not null;
        int savedStart = _replicas[0].LossStartStep;
        double loss;
        try
        {
            loss = optimizer is null ? _group.Run(_step) : _group.TrainStep(_step, optimizer);
        }
        finally
        {
            foreach (IRnnModel<T> m in _replicas) m.LossStartStep = savedStart;
        }
        // A model's loss sums steps and averages lanes, unless its LossOptions already take the mean over tokens.
        return _replicas[0].LossOptions.Reduction == LossReduction.MeanOverTokens ? loss : loss / counted;
    }

    /// <summary>Forward (and, when training, backward) of replica <paramref name="r"/> over its filled window; returns its loss.</summary>
    private T RunReplica(int r, bool backward)
    {
        IRnnModel<T> m = _replicas[r];
        T[] state = _runState[r];
        state.CopyTo(m.InitialState);
        m.CarryState = false;
        m.LossStartStep = Window - _runCounted;
        _inputs[r].Forward(_x[r]);
        T loss = _targets[r].Loss(_y[r]);
        if (backward) _targets[r].Backward(_y[r]);
        // The next window starts where this one stood after `stride` steps.
        m.CopyStateAfterStep(_runStride - 1, state);
        return loss;
    }

    private void Fill(ReadOnlySpan<int> stream, int shift, long position, int replica)
    {
        int batch = _replicas[replica].Batch, steps = Window, n = stream.Length, size = _replicas[0].InputSize;
        long lane = n / Lanes;
        int[] x = _x[replica], y = _y[replica];
        for (int b = 0; b < batch; b++)
        {
            long start = shift + (replica * batch + b) * lane + position;
            for (int t = 0; t < steps; t++)
            {
                long i = (start + t) % n, j = (start + t + 1) % n;
                int xi = stream[(int)i], yi = stream[(int)j];
                if ((uint)xi >= (uint)size) throw new ArgumentException($"Token id {xi} at index {i} is outside [0, {size}).", nameof(stream));
                if ((uint)yi >= (uint)size) throw new ArgumentException($"Token id {yi} at index {j} is outside [0, {size}).", nameof(stream));
                x[t * batch + b] = xi;
                y[t * batch + b] = yi;
            }
        }
    }

    /// <summary>A window of every replica, as the group calls it (a struct: no allocation per window).</summary>
    private readonly struct WindowStep(StreamTrainer<T> owner) : IReplicaStep<IRnnModel<T>, T>
    {
        public T Run(IRnnModel<T> model, int replica) => owner.RunReplica(replica, owner._runBackward);
    }
}
