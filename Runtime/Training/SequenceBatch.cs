namespace RnnGen.Training;

/// <summary>
/// One batch of a <see cref="SequenceBatcher{TInput, TTarget}"/>: padded, time-major inputs, targets and the length of
/// every lane, ready for <see cref="IVariableLengthModel{T, TInput, TTarget}.TrainStep"/> of the model whose
/// <c>Steps</c> is <see cref="Steps"/>. The spans are the batcher's own buffers: they hold this batch until the
/// enumeration moves to the next one.
/// </summary>
/// <typeparam name="TInput">Input element: <c>int</c> (token ids) or the model's element type (vectors).</typeparam>
/// <typeparam name="TTarget">Target element: <c>int</c> (class ids) or the model's element type (values).</typeparam>
public readonly ref struct SequenceBatch<TInput, TTarget>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    internal SequenceBatch(int bucket, int steps, int count, ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, ReadOnlySpan<int> lengths, ReadOnlySpan<int> sequences)
    {
        Bucket = bucket;
        Steps = steps;
        Count = count;
        Inputs = inputs;
        Targets = targets;
        Lengths = lengths;
        Sequences = sequences;
    }

    /// <summary>Index of the bucket in <see cref="SequenceBatcher{TInput, TTarget}.BucketSteps"/>: which model runs this batch.</summary>
    public int Bucket { get; }

    /// <summary>The bucket's step count: the <c>Steps</c> of the model that runs this batch.</summary>
    public int Steps { get; }

    /// <summary>Lanes holding a sequence (the first <see cref="Count"/>); the others are unused (length 0). Below <c>Batch</c> only for a bucket's last batch.</summary>
    public int Count { get; }

    /// <summary>
    /// Inputs, time-major and padded: <c>[Steps, Batch, InputSize]</c>, element <c>(t·Batch + b)·InputSize + k</c>.
    /// Positions at or past a lane's length, and every position of an unused lane, hold zeros.
    /// </summary>
    public ReadOnlySpan<TInput> Inputs { get; }

    /// <summary>
    /// Targets, time-major and padded: <c>[OutputSteps, Batch, TargetSize]</c> with <c>OutputSteps</c> = <see cref="Steps"/>
    /// (many-to-many) or 1 (many-to-one). Positions at or past a lane's length, and every position of an unused lane,
    /// hold zeros.
    /// </summary>
    public ReadOnlySpan<TTarget> Targets { get; }

    /// <summary>Each lane's length, <c>[Batch]</c>: in <c>[1, Steps]</c> for a used lane, 0 for an unused one.</summary>
    public ReadOnlySpan<int> Lengths { get; }

    /// <summary>Each lane's sequence as its index in the batcher's constructor arguments, <c>[Batch]</c>; −1 for an unused lane.</summary>
    public ReadOnlySpan<int> Sequences { get; }
}
