using RnnGen.Randomness;

namespace RnnGen.Training;

/// <summary>
/// Cuts variable-length sequences into padded batches for <see cref="IVariableLengthModel{T, TInput, TTarget}"/>
/// models that differ only in <c>Steps</c> (buckets): each epoch shuffles the sequences, puts each one into the
/// smallest bucket that holds it, cuts every bucket into batches of <see cref="Batch"/> lanes and shuffles the order of
/// the batches, so a short sequence runs in a model with a short unroll.
/// </summary>
/// <remarks>
/// <para><b>Layout.</b> A batch is time-major and padded to its bucket's steps (<see cref="SequenceBatch{TInput, TTarget}"/>).
/// Padded positions, and every position of the unused lanes of a bucket's last batch (length 0), hold zeros; the model
/// neither reads nor validates them, so they change neither the loss nor the gradients.</para>
/// <para><b>Determinism.</b> The shuffles use <see cref="Xoshiro256StarStar"/> seeded once with the seed: epoch k of two
/// batchers built from the same data, buckets, batch size and seed has the same batches in the same order, in any
/// process on any machine. Each epoch draws from where the previous one stopped, so to resume at epoch k call
/// <see cref="NextEpoch"/> k times without enumerating.</para>
/// <para><b>Cost.</b> The constructor copies the sequences and allocates every buffer (per bucket one batch of inputs,
/// targets, lengths and sequence indices); <see cref="NextEpoch"/> and the enumeration of an epoch allocate nothing.
/// Not thread-safe.</para>
/// </remarks>
/// <typeparam name="TInput">Input element: <c>int</c> (token ids, <see cref="InputSize"/> 1) or the model's element type (vectors).</typeparam>
/// <typeparam name="TTarget">Target element: <c>int</c> (class ids, <see cref="TargetSize"/> 1) or the model's element type (values).</typeparam>
public sealed class SequenceBatcher<TInput, TTarget>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    private readonly int[] _bucketSteps;
    private readonly TInput[] _inputData;
    private readonly TTarget[] _targetData;
    private readonly int[] _inputStart, _targetStart, _length, _bucketOf;

    // Per bucket: where its sequences start in _grouped, how many it has, and one batch of buffers.
    private readonly int[] _bucketFirst, _bucketCount;
    private readonly TInput[][] _inputs;
    private readonly TTarget[][] _targets;
    private readonly int[][] _lengths, _sequences;

    // Per batch of an epoch (in canonical order: bucket by bucket): its bucket and the first of its sequences in _grouped.
    private readonly int[] _batchBucket, _batchFirst;

    // The current epoch: sequences shuffled, then grouped by bucket; batch ids shuffled.
    private readonly int[] _shuffled, _grouped, _fill, _batchOrder;
    private readonly Xoshiro256StarStar _random;
    private int _epoch = -1;

    /// <summary>Copies the sequences and their targets and prepares the buffers of every bucket.</summary>
    /// <param name="inputs">
    /// The sequences: sequence i has <c>inputs[i].Length / inputSize</c> steps (at least 1, at most the largest bucket),
    /// step t at <c>inputs[i][t·inputSize … (t+1)·inputSize)</c>.
    /// </param>
    /// <param name="targets">
    /// Each sequence's targets: for <see cref="Topology.ManyToMany"/> one per step (<c>steps·targetSize</c> values, step t at
    /// <c>targets[i][t·targetSize …]</c>); for <see cref="Topology.ManyToOne"/> one per sequence (<c>targetSize</c> values).
    /// </param>
    /// <param name="inputSize">Values per input step: 1 for token ids, the model's <c>InputSize</c> for vectors.</param>
    /// <param name="targetSize">Values per target: 1 for class ids, the model's <c>OutputSize</c> for values.</param>
    /// <param name="topology"><see cref="Topology.ManyToMany"/> or <see cref="Topology.ManyToOne"/>.</param>
    /// <param name="bucketSteps">The buckets' step counts (the <c>Steps</c> of their models), each at least 1, strictly ascending.</param>
    /// <param name="batch">Lanes per batch (the models' <c>Batch</c>), at least 1.</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    /// <exception cref="ArgumentException">An argument is out of range, or a sequence is null, empty, longer than the largest bucket or not a whole number of steps, or its targets have the wrong length; the message names the argument and the index and value.</exception>
    public SequenceBatcher(
        IReadOnlyList<TInput[]> inputs,
        IReadOnlyList<TTarget[]> targets,
        int inputSize,
        int targetSize,
        Topology topology,
        IReadOnlyList<int> bucketSteps,
        int batch,
        ulong seed)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(bucketSteps);
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The input size must be at least 1.");
        if (targetSize < 1) throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, "The target size must be at least 1.");
        if (topology is not (Topology.ManyToMany or Topology.ManyToOne))
            throw new ArgumentOutOfRangeException(nameof(topology), topology, "Variable-length batches are for many-to-many and many-to-one models.");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch size must be at least 1.");

        int buckets = bucketSteps.Count;
        if (buckets == 0) throw new ArgumentException("At least one bucket is needed.", nameof(bucketSteps));
        _bucketSteps = new int[buckets];
        for (int k = 0; k < buckets; k++)
        {
            int steps = bucketSteps[k];
            if (steps < 1)
                throw new ArgumentException($"Bucket {k} has {steps} steps; a bucket needs at least 1.", nameof(bucketSteps));
            if (k > 0 && steps <= _bucketSteps[k - 1])
                throw new ArgumentException($"Bucket {k} has {steps} steps, not more than bucket {k - 1} ({_bucketSteps[k - 1]}); bucket steps must be strictly ascending.", nameof(bucketSteps));
            _bucketSteps[k] = steps;
        }
        int largest = _bucketSteps[^1];

        int count = inputs.Count;
        if (count == 0) throw new ArgumentException("At least one sequence is needed.", nameof(inputs));
        if (targets.Count != count)
            throw new ArgumentException($"Expected the targets of {count} sequences, got {targets.Count}.", nameof(targets));

        // Check everything before copying anything; each list is read once, so what is checked is what is copied.
        var xs = new TInput[count][];
        var ys = new TTarget[count][];
        _length = new int[count];
        long inputTotal = 0, targetTotal = 0;
        for (int i = 0; i < count; i++)
        {
            TInput[] x = inputs[i] ?? throw new ArgumentException($"Sequence {i} is null.", nameof(inputs));
            if (x.Length == 0) throw new ArgumentException($"Sequence {i} is empty; every sequence needs at least one step.", nameof(inputs));
            if (x.Length % inputSize != 0)
                throw new ArgumentException($"Sequence {i} has {x.Length} values, not a whole number of steps of {inputSize}.", nameof(inputs));
            int length = x.Length / inputSize;
            if (length > largest)
                throw new ArgumentException($"Sequence {i} has {length} steps, more than the largest bucket ({largest}).", nameof(inputs));
            TTarget[] y = targets[i] ?? throw new ArgumentException($"The targets of sequence {i} are null.", nameof(targets));
            long expected = topology == Topology.ManyToMany ? (long)length * targetSize : targetSize;
            if (y.Length != expected)
            {
                string shape = topology == Topology.ManyToMany ? $"{length} steps × {targetSize}" : $"one target × {targetSize}";
                throw new ArgumentException($"The targets of sequence {i} have {y.Length} values; expected {expected} ({shape}).", nameof(targets));
            }
            xs[i] = x;
            ys[i] = y;
            _length[i] = length;
            inputTotal += x.Length;
            targetTotal += y.Length;
        }

        Count = count;
        Batch = batch;
        InputSize = inputSize;
        TargetSize = targetSize;
        Topology = topology;
        _inputData = new TInput[checked((int)inputTotal)];
        _targetData = new TTarget[checked((int)targetTotal)];
        _inputStart = new int[count];
        _targetStart = new int[count];
        _bucketOf = new int[count];
        _bucketCount = new int[buckets];
        int inputAt = 0, targetAt = 0;
        for (int i = 0; i < count; i++)
        {
            _inputStart[i] = inputAt;
            _targetStart[i] = targetAt;
            xs[i].CopyTo(_inputData, inputAt);
            ys[i].CopyTo(_targetData, targetAt);
            inputAt += xs[i].Length;
            targetAt += ys[i].Length;
            int bucket = 0;
            while (_bucketSteps[bucket] < _length[i]) bucket++;
            _bucketOf[i] = bucket;
            _bucketCount[bucket]++;
        }

        _bucketFirst = new int[buckets];
        _inputs = new TInput[buckets][];
        _targets = new TTarget[buckets][];
        _lengths = new int[buckets][];
        _sequences = new int[buckets][];
        int batches = 0;
        for (int k = 0, first = 0; k < buckets; k++)
        {
            _bucketFirst[k] = first;
            first += _bucketCount[k];
            batches += (_bucketCount[k] + batch - 1) / batch;
            if (_bucketCount[k] == 0) continue;
            int outputSteps = topology == Topology.ManyToMany ? _bucketSteps[k] : 1;
            _inputs[k] = new TInput[checked(_bucketSteps[k] * batch * inputSize)];
            _targets[k] = new TTarget[checked(outputSteps * batch * targetSize)];
            _lengths[k] = new int[batch];
            _sequences[k] = new int[batch];
        }
        BatchesPerEpoch = batches;
        _batchBucket = new int[batches];
        _batchFirst = new int[batches];
        for (int k = 0, id = 0; k < buckets; k++)
        {
            for (int start = 0; start < _bucketCount[k]; start += batch, id++)
            {
                _batchBucket[id] = k;
                _batchFirst[id] = _bucketFirst[k] + start;
            }
        }

        _shuffled = new int[count];
        _grouped = new int[count];
        _fill = new int[buckets];
        _batchOrder = new int[batches];
        _random = new Xoshiro256StarStar(seed);
    }

    /// <summary>Number of sequences.</summary>
    public int Count { get; }

    /// <summary>Lanes per batch.</summary>
    public int Batch { get; }

    /// <summary>Values per input step (1 for token ids).</summary>
    public int InputSize { get; }

    /// <summary>Values per target (1 for class ids).</summary>
    public int TargetSize { get; }

    /// <summary><see cref="Topology.ManyToMany"/> (a target per step) or <see cref="Topology.ManyToOne"/> (a target per sequence).</summary>
    public Topology Topology { get; }

    /// <summary>Each bucket's step count, ascending.</summary>
    public ReadOnlySpan<int> BucketSteps => _bucketSteps;

    /// <summary>Batches in every epoch: over the buckets, the bucket's sequences divided by <see cref="Batch"/>, rounded up.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Index of the epoch the last <see cref="NextEpoch"/> started (0 for the first); −1 before the first.</summary>
    public int EpochIndex => _epoch;

    /// <summary>Number of sequences in bucket <paramref name="bucket"/> (every epoch puts the same sequences there).</summary>
    public int SequencesInBucket(int bucket)
    {
        if ((uint)bucket >= (uint)_bucketSteps.Length)
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket, $"There are {_bucketSteps.Length} buckets.");
        return _bucketCount[bucket];
    }

    /// <summary>
    /// Shuffles the sequences and the order of the batches for the next epoch and returns it for <c>foreach</c>.
    /// Starting another epoch ends this one: enumerating it afterwards throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public Epoch NextEpoch()
    {
        _epoch++;
        // Start from the same order every epoch, so an epoch depends on the seed and its index only.
        for (int i = 0; i < _shuffled.Length; i++) _shuffled[i] = i;
        _random.Shuffle(_shuffled.AsSpan());
        // Group by bucket, keeping the shuffled order inside each bucket.
        _bucketFirst.CopyTo(_fill, 0);
        foreach (int s in _shuffled) _grouped[_fill[_bucketOf[s]]++] = s;
        for (int b = 0; b < _batchOrder.Length; b++) _batchOrder[b] = b;
        _random.Shuffle(_batchOrder.AsSpan());
        return new Epoch(this, _epoch);
    }

    private void Fill(int position, out int bucket, out int lanes)
    {
        int id = _batchOrder[position];
        bucket = _batchBucket[id];
        int first = _batchFirst[id];
        lanes = Math.Min(Batch, _bucketFirst[bucket] + _bucketCount[bucket] - first);
        TInput[] x = _inputs[bucket];
        TTarget[] y = _targets[bucket];
        int[] lengths = _lengths[bucket], sequences = _sequences[bucket];
        Array.Clear(x);
        Array.Clear(y);
        Array.Clear(lengths);
        sequences.AsSpan().Fill(-1);
        int batch = Batch, inputSize = InputSize, targetSize = TargetSize;
        bool perStep = Topology == Topology.ManyToMany;
        for (int lane = 0; lane < lanes; lane++)
        {
            int s = _grouped[first + lane];
            int length = _length[s];
            lengths[lane] = length;
            sequences[lane] = s;
            for (int t = 0; t < length; t++)
            {
                _inputData.AsSpan(_inputStart[s] + t * inputSize, inputSize).CopyTo(x.AsSpan((t * batch + lane) * inputSize, inputSize));
                if (perStep)
                    _targetData.AsSpan(_targetStart[s] + t * targetSize, targetSize).CopyTo(y.AsSpan((t * batch + lane) * targetSize, targetSize));
            }
            if (!perStep) _targetData.AsSpan(_targetStart[s], targetSize).CopyTo(y.AsSpan(lane * targetSize, targetSize));
        }
    }

    /// <summary>One epoch's batches, for <c>foreach</c>; enumerating it again gives the same batches until <see cref="NextEpoch"/> is called.</summary>
    public readonly struct Epoch
    {
        private readonly SequenceBatcher<TInput, TTarget>? _batcher;
        private readonly int _index;

        internal Epoch(SequenceBatcher<TInput, TTarget> batcher, int index)
        {
            _batcher = batcher;
            _index = index;
        }

        /// <summary>The epoch's index (0 for the first).</summary>
        public int Index => _index;

        /// <summary>Returns an enumerator over the epoch's batches.</summary>
        public Enumerator GetEnumerator() => new(_batcher ?? throw new InvalidOperationException("This epoch was not returned by NextEpoch."), _index);
    }

    /// <summary>Enumerates one epoch's batches; each batch fills its bucket's buffers, so it stays valid until the next <see cref="MoveNext"/>.</summary>
    public struct Enumerator
    {
        private readonly SequenceBatcher<TInput, TTarget> _batcher;
        private readonly int _epoch;
        private int _position;
        private int _bucket, _lanes;

        internal Enumerator(SequenceBatcher<TInput, TTarget> batcher, int epoch)
        {
            _batcher = batcher;
            _epoch = epoch;
            _position = -1;
            _bucket = -1;
            _lanes = 0;
        }

        /// <summary>Fills the next batch into its bucket's buffers; false after the last batch.</summary>
        /// <exception cref="InvalidOperationException">A later epoch has been started.</exception>
        public bool MoveNext()
        {
            if (_batcher._epoch != _epoch)
                throw new InvalidOperationException($"Epoch {_epoch} has ended: epoch {_batcher._epoch} has been started since.");
            if (_position >= _batcher.BatchesPerEpoch - 1)
            {
                _position = _batcher.BatchesPerEpoch;
                _bucket = -1;
                return false;
            }
            _position++;
            _batcher.Fill(_position, out _bucket, out _lanes);
            return true;
        }

        /// <summary>The batch filled by the last <see cref="MoveNext"/>.</summary>
        public readonly SequenceBatch<TInput, TTarget> Current
        {
            get
            {
                if (_bucket < 0) throw new InvalidOperationException("The enumeration has not started or has ended.");
                SequenceBatcher<TInput, TTarget> b = _batcher;
                return new SequenceBatch<TInput, TTarget>(_bucket, b._bucketSteps[_bucket], _lanes, b._inputs[_bucket], b._targets[_bucket], b._lengths[_bucket], b._sequences[_bucket]);
            }
        }
    }
}
