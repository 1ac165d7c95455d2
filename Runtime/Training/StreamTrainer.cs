using System.Numerics;

namespace RnnGen.Training;

/// <summary>What one pass over a stream measured.</summary>
/// <param name="MeanLoss">Cross-entropy per counted token, in nats (divide by ln 2 for bits).</param>
/// <param name="Windows">Windows (training steps) taken.</param>
/// <param name="Tokens">Targets counted, over all lanes.</param>
public readonly record struct StreamResult(double MeanLoss, int Windows, long Tokens);

/// <summary>
/// Truncated backpropagation through time, TBPTT(k1, k2), over a long token stream (DESIGN.md §4). The stream is cut
/// into <c>Batch</c> contiguous lanes; each lane is read in windows of k2 = <c>Steps</c> tokens that advance by
/// k1 = <see cref="Stride"/> ≤ k2. A window starts from the state the previous window had after its first k1 steps
/// (carried, not differentiated) and counts the loss of its last k1 outputs only, so every position of the stream is
/// counted once; the first window counts all of its outputs.
/// </summary>
public sealed class StreamTrainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IRnnModel<T> _model;
    private readonly ITokenInputModel<T> _inputs;
    private readonly IClassTargetModel<T> _targets;
    private readonly int[] _x, _y;
    private readonly T[] _state;

    /// <summary>Creates a trainer for a many-to-many token model with class targets.</summary>
    /// <param name="model">A generated model with <see cref="TokenInputAttribute"/> and <see cref="SoftmaxOutputAttribute"/>.</param>
    /// <param name="stride">k1: steps a window advances, from 1 to <c>Steps</c> (k1 = k2: windows do not overlap).</param>
    public StreamTrainer(IRnnModel<T> model, int stride)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is not ITokenInputModel<T> inputs || model is not IClassTargetModel<T> targets)
            throw new ArgumentException("Stream training needs a model with token input and a softmax output.", nameof(model));
        if (model.OutputSteps != model.Steps)
            throw new ArgumentException("Stream training needs a many-to-many model (an output at every step).", nameof(model));
        if (stride < 1 || stride > model.Steps)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride k1 must lie in [1, Steps = {model.Steps}].");
        _model = model;
        _inputs = inputs;
        _targets = targets;
        Stride = stride;
        _x = new int[model.Steps * model.Batch];
        _y = new int[_x.Length];
        _state = new T[model.InitialState.Length];
        // A bidirectional model has no state after a step; say so now rather than mid-epoch.
        try
        {
            model.CopyStateAfterStep(0, _state);
        }
        catch (NotSupportedException ex)
        {
            throw new ArgumentException("Stream training needs a unidirectional model: " + ex.Message, nameof(model), ex);
        }
        catch (InvalidOperationException)
        {
            // No forward pass yet: the model can carry state, there is just none to copy.
        }
        Array.Clear(_state);
    }

    /// <summary>k1: steps between windows.</summary>
    public int Stride { get; }

    /// <summary>k2: steps per window (the model's <c>Steps</c>).</summary>
    public int Window => _model.Steps;

    /// <summary>Gradient clipping by global norm before each update; 0 turns it off.</summary>
    public T ClipNorm { get; set; }

    /// <summary>One pass over <paramref name="stream"/>, updating the parameters after every window.</summary>
    /// <param name="stream">Token ids; cut into <c>Batch</c> contiguous lanes.</param>
    /// <param name="optimizer">Applies each window's update.</param>
    /// <param name="onWindow">Called after each window with (windows done, windows in the pass, loss per token of the window).</param>
    /// <exception cref="TrainingDivergedException">A window's loss or gradient is not finite; that update is not applied.</exception>
    public StreamResult Train(ReadOnlySpan<int> stream, IOptimizer<T> optimizer, Action<int, int, double>? onWindow = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Run(stream, optimizer, Stride, onWindow);
    }

    /// <summary>Loss per token over <paramref name="stream"/> without training (windows that do not overlap, state carried).</summary>
    public StreamResult Evaluate(ReadOnlySpan<int> stream) => Run(stream, null, Window, null);

    /// <summary>Windows one pass over a stream of <paramref name="length"/> tokens takes with a stride of <paramref name="stride"/>.</summary>
    public int WindowsFor(int length, int stride)
    {
        int lane = length / _model.Batch;
        return lane < Window + 1 ? 0 : (lane - Window - 1) / stride + 1;
    }

    private StreamResult Run(ReadOnlySpan<int> stream, IOptimizer<T>? optimizer, int stride, Action<int, int, double>? onWindow)
    {
        int batch = _model.Batch, steps = _model.Steps, lane = stream.Length / batch;
        int windows = WindowsFor(stream.Length, stride);
        if (windows == 0)
            throw new ArgumentException($"The stream has {stream.Length} tokens; {batch} lanes of at least {steps + 1} tokens are needed.", nameof(stream));
        for (int i = 0; i < batch * lane; i++)
        {
            if ((uint)stream[i] >= (uint)_model.InputSize)
                throw new ArgumentException($"Token id {stream[i]} at index {i} is outside [0, {_model.InputSize}).", nameof(stream));
        }

        Array.Clear(_state);
        double total = 0;
        long tokens = 0;
        int savedStart = _model.LossStartStep;
        try
        {
            for (int w = 0; w < windows; w++)
            {
                int position = w * stride;
                for (int t = 0; t < steps; t++)
                {
                    for (int b = 0; b < batch; b++)
                    {
                        _x[t * batch + b] = stream[b * lane + position + t];
                        _y[t * batch + b] = stream[b * lane + position + t + 1];
                    }
                }
                int counted = w == 0 ? steps : stride;
                _model.LossStartStep = steps - counted;
                _state.CopyTo(_model.InitialState);
                _model.CarryState = false;

                _inputs.Forward(_x);
                T loss = _targets.Loss(_y);
                if (optimizer is not null)
                {
                    _model.ZeroGradients();
                    _targets.Backward(_y);
                    T norm = ClipNorm > T.Zero ? GradientClipping.ClipByGlobalNorm(_model.Gradients, ClipNorm) : GradientClipping.GlobalNorm<T>(_model.Gradients);
                    if (!T.IsFinite(loss) || !T.IsFinite(norm)) throw new TrainingDivergedException(double.CreateTruncating(loss), double.CreateTruncating(norm));
                    optimizer.Step(_model.Parameters, _model.Gradients);
                }
                // The next window starts where this one stood after `stride` steps.
                _model.CopyStateAfterStep(stride - 1, _state);

                double perToken = double.CreateTruncating(loss) / counted; // loss sums steps, averages lanes
                total += perToken * counted * batch;
                tokens += (long)counted * batch;
                onWindow?.Invoke(w + 1, windows, perToken);
            }
        }
        finally
        {
            _model.LossStartStep = savedStart;
        }
        return new StreamResult(total / tokens, windows, tokens);
    }
}
