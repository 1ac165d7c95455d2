using System.Numerics;

namespace RnnGen;

/// <summary>
/// What every RnnGen optimizer shares: argument checks, per-parameter state allocated on the first step (and only
/// then), the step count, and the learning-rate <see cref="Schedule"/> hook.
/// </summary>
public abstract class Optimizer<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[][]? _state;

    /// <summary>Checks and stores the common settings.</summary>
    protected Optimizer(T learningRate, T weightDecay)
    {
        CheckLearningRate(learningRate, nameof(learningRate));
        if (!(weightDecay >= T.Zero) || !T.IsFinite(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be finite and non-negative.");
        _learningRate = learningRate;
        WeightDecay = weightDecay;
    }

    private T _learningRate;

    /// <summary>
    /// Step size of the next update: a finite positive number (anything else throws <see cref="ArgumentOutOfRangeException"/>
    /// and keeps the rate). A <see cref="Schedule"/> sets it before each step, and may take it to 0.
    /// </summary>
    public T LearningRate
    {
        get => _learningRate;
        set
        {
            CheckLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    private static void CheckLearningRate(T rate, string parameter)
    {
        if (!(rate > T.Zero) || !T.IsFinite(rate))
            throw new ArgumentOutOfRangeException(parameter, rate, "The learning rate must be a finite positive number.");
    }

    /// <summary>Weight decay (L2 penalty folded into the gradient, or decoupled for <see cref="AdamW{T}"/>).</summary>
    public T WeightDecay { get; }

    /// <summary>When set, the learning rate of step n (counted from 1) is <c>Schedule.LearningRate(n)</c>.</summary>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>Updates applied so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>Bytes of per-parameter state (momentum, moments, accumulators) once allocated.</summary>
    public unsafe long StateBytes => _state is null ? 0 : _state.Sum(s => (long)s.Length * sizeof(T));

    /// <summary>Arrays of per-parameter state this optimizer keeps.</summary>
    protected abstract int StateArrays { get; }

    /// <summary>State array <paramref name="index"/> (allocated on the first step, zeros).</summary>
    protected T[] State(int index) => _state![index];

    /// <summary>
    /// The name of state array <paramref name="index"/> in an optimizer checkpoint: PyTorch's key in the optimizer's
    /// per-parameter state (<c>momentum_buffer</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>sum</c>, <c>square_avg</c>, <c>grad_avg</c>).
    /// </summary>
    protected virtual string StateName(int index) => "state" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The state arrays an optimizer checkpoint holds, by name; empty before the first step.</summary>
    internal IReadOnlyList<(string Name, T[] Values)> SavedState()
    {
        if (_state is null) return [];
        var saved = new (string, T[])[_state.Length];
        for (int i = 0; i < saved.Length; i++) saved[i] = (StateName(i), _state[i]);
        return saved;
    }

    /// <summary>The names <see cref="SavedState"/> gives once the optimizer has stepped.</summary>
    internal IReadOnlyList<string> StateNames() => Enumerable.Range(0, StateArrays).Select(StateName).ToArray();

    /// <summary>Replaces the step count, learning rate and state (null: none yet, as before the first step) with a checkpoint's.</summary>
    internal void Restore(long stepCount, T learningRate, T[][]? state)
    {
        _state = state;
        StepCount = stepCount;
        _learningRate = learningRate;
    }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"Gradients have {gradients.Length} values but parameters {parameters.Length}.", nameof(gradients));
        if (_state is null)
        {
            _state = new T[StateArrays][];
            for (int i = 0; i < _state.Length; i++) _state[i] = new T[parameters.Length];
        }
        else if (_state.Length > 0 && _state[0].Length != parameters.Length)
        {
            throw new ArgumentException($"This optimizer was first used with {_state[0].Length} parameters, now {parameters.Length}.", nameof(parameters));
        }
        StepCount++;
        if (Schedule is { } schedule)
        {
            double rate = schedule.LearningRate(StepCount);
            // Finite as a double can still overflow the element type (a float above 3.4e38).
            if (!(rate >= 0) || !double.IsFinite(rate) || !T.IsFinite(T.CreateTruncating(rate)))
                throw new InvalidOperationException($"The schedule gave learning rate {rate} for step {StepCount}; it must be finite and non-negative.");
            _learningRate = T.CreateTruncating(rate);
        }
        Update(parameters, gradients);
    }

    /// <summary>Forgets all state and the step count, as a new optimizer.</summary>
    public void Reset()
    {
        _state = null;
        StepCount = 0;
    }

    /// <summary>Applies the update of step <see cref="StepCount"/>.</summary>
    protected abstract void Update(Span<T> parameters, ReadOnlySpan<T> gradients);
}
