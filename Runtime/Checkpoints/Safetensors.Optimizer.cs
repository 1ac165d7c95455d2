using System.Globalization;
using System.Numerics;

namespace RnnGen;

public static partial class Safetensors
{
    /// <summary>Metadata key of the optimizer's kind (its class name without the type argument, e.g. <c>AdamW</c>).</summary>
    public const string OptimizerKey = "rnngen.optimizer";

    /// <summary>Metadata key of the optimizer's <see cref="Optimizer{T}.StepCount"/> (what a learning-rate schedule resumes from).</summary>
    public const string OptimizerStepKey = "rnngen.optimizer_step";

    /// <summary>Metadata key of the optimizer's current learning rate (round-trip formatted).</summary>
    public const string OptimizerLearningRateKey = "rnngen.optimizer_learning_rate";

    /// <summary>
    /// Writes the state of <paramref name="optimizer"/> for <paramref name="model"/>'s parameters to <paramref name="path"/>, so a
    /// training run resumes exactly: every state array (PyTorch's names: <c>exp_avg</c>, <c>exp_avg_sq</c>,
    /// <c>momentum_buffer</c>, <c>sum</c>, <c>square_avg</c>, <c>grad_avg</c>) split into the model's tensors as
    /// <c>{state}.{tensor}</c> (e.g. <c>exp_avg.rnn.weight_hh_l0</c>) with the tensor's shape, and the step count and
    /// learning rate in <c>__metadata__</c> (with the model's entries of <see cref="Save{T}"/> and <paramref name="metadata"/>).
    /// Atomic, like <see cref="Save{T}"/>; save the model beside it.
    /// </summary>
    /// <exception cref="ArgumentException">The optimizer's state was made for a different number of parameters.</exception>
    public static void SaveOptimizer<T>(Optimizer<T> optimizer, IRnnModel<T> model, string path, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using Checkpoints.PendingFile pending = StageOptimizer(optimizer, model, path, metadata);
        pending.Commit();
    }

    /// <summary><see cref="SaveOptimizer{T}"/> up to the rename (see <see cref="Stage{T}"/>).</summary>
    public static Checkpoints.PendingFile StageOptimizer<T>(Optimizer<T> optimizer, IRnnModel<T> model, string path, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        IReadOnlyList<(string Name, T[] Values)> state = optimizer.SavedState();
        foreach ((string name, T[] values) in state)
            if (values.Length != model.ParameterCount)
                throw new ArgumentException($"The optimizer's {name} holds {values.Length} values but {model.GetType().Name} has {model.ParameterCount} parameters: it was used with another model.", nameof(optimizer));

        // One flat buffer, state array after state array, so the model's tensor layout repeats once per array.
        var flat = new T[state.Count * model.ParameterCount];
        for (int i = 0; i < state.Count; i++) state[i].Values.CopyTo(flat, i * model.ParameterCount);
        Dictionary<string, string> all = Metadata(model, metadata);
        all[OptimizerKey] = KindOf(optimizer);
        all[OptimizerStepKey] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
        all[OptimizerLearningRateKey] = double.CreateTruncating(optimizer.LearningRate).ToString("R", CultureInfo.InvariantCulture);
        return StageChecked(StateTensors(state.Select(s => s.Name).ToArray(), model), flat, all, path);
    }

    /// <summary>
    /// Loads an optimizer checkpoint written by <see cref="SaveOptimizer{T}"/> into <paramref name="optimizer"/>: its state
    /// arrays, step count and learning rate (hyperparameters such as β or momentum stay the ones it was constructed with).
    /// All-or-nothing: the file is validated first — the optimizer kind, the step count, every state tensor of
    /// <paramref name="model"/>'s shapes present and no other, finite values, the data digest — and on any problem a
    /// <see cref="Checkpoints.CheckpointException"/> says what is wrong and the optimizer is unchanged.
    /// </summary>
    public static void LoadOptimizer<T>(Optimizer<T> optimizer, IRnnModel<T> model, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Checkpoints.SafetensorsHeader header = ReadHeader(path);
        string kind = KindOf(optimizer);
        if (!header.Metadata.TryGetValue(OptimizerKey, out string? savedKind))
            throw new Checkpoints.CheckpointException(path, $"is not an optimizer checkpoint (its metadata has no {OptimizerKey}).");
        if (savedKind != kind)
            throw new Checkpoints.CheckpointException(path, $"holds the state of {savedKind}, not of {kind}.");
        if (!header.Metadata.TryGetValue(OptimizerStepKey, out string? stepText)
            || !long.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            throw new Checkpoints.CheckpointException(path, $"has no valid {OptimizerStepKey} (a non-negative step count).");
        if (!header.Metadata.TryGetValue(OptimizerLearningRateKey, out string? rateText)
            || !double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate)
            || !(rate >= 0) || !double.IsFinite(rate))
            throw new Checkpoints.CheckpointException(path, $"has no valid {OptimizerLearningRateKey} (a finite, non-negative learning rate).");

        // Before the first step an optimizer has no state; otherwise it has every array its settings call for.
        IReadOnlyList<string> names = step == 0 ? [] : optimizer.StateNames();
        (T[] flat, _) = Read<T>(StateTensors(names, model), names.Count * model.ParameterCount, $"{kind} for {model.GetType().Name}", path, SafetensorsLoadOptions.Strict);
        T[][]? state = null;
        if (step > 0)
        {
            state = new T[names.Count][];
            for (int i = 0; i < state.Length; i++) state[i] = flat.AsSpan(i * model.ParameterCount, model.ParameterCount).ToArray();
        }
        optimizer.Restore(step, T.CreateTruncating(rate), state);
    }

    /// <summary>The model's tensors once per state array, named <c>{state}.{tensor}</c>, laid out array after array.</summary>
    private static TensorInfo[] StateTensors<T>(IReadOnlyList<string> stateNames, IRnnModel<T> model)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensors = new List<TensorInfo>(stateNames.Count * model.Tensors.Count);
        for (int i = 0; i < stateNames.Count; i++)
            foreach (TensorInfo t in model.Tensors)
                tensors.Add(new TensorInfo($"{stateNames[i]}.{t.Name}", t.Shape.ToArray(), i * model.ParameterCount + t.Offset));
        return tensors.ToArray();
    }

    private static string KindOf<T>(Optimizer<T> optimizer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string name = optimizer.GetType().Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
