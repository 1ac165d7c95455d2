using RnnGen.Randomness;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>
/// <see cref="SequenceBatcher{TInput, TTarget}"/>: every batch is compared element by element with a batch built
/// naively from the caller's sequences, and every sequence is identified by its own content (its first input encodes
/// its index), not only by what the batcher reports.
/// </summary>
public class SequenceBatcherTests
{
    private static readonly int[] Buckets = { 16, 32, 64 };

    // Lengths at every bucket's edges, then random lengths in [1, 64].
    private static int[] Lengths(int count, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        int[] edges = { 1, 16, 17, 32, 33, 64, 2, 15, 31, 63 };
        var lengths = new int[count];
        for (int i = 0; i < count; i++) lengths[i] = i < edges.Length ? edges[i] : 1 + random.NextInt(64);
        return lengths;
    }

    // Token i of sequence s is s·1000 + t + 1: never 0 (padding), unique to the sequence and step.
    private static (int[][] Inputs, int[][] Targets) TokenData(int[] lengths)
    {
        var inputs = new int[lengths.Length][];
        var targets = new int[lengths.Length][];
        for (int s = 0; s < lengths.Length; s++)
        {
            inputs[s] = Enumerable.Range(0, lengths[s]).Select(t => s * 1000 + t + 1).ToArray();
            targets[s] = Enumerable.Range(0, lengths[s]).Select(t => -(s * 1000 + t + 1)).ToArray();
        }
        return (inputs, targets);
    }

    // Vectors of 3 with value s·1000 + t + k/10 + 1, one target of 2 per sequence: (s + 1, −(s + 1)·length).
    private static (float[][] Inputs, double[][] Targets) VectorData(int[] lengths)
    {
        var inputs = new float[lengths.Length][];
        var targets = new double[lengths.Length][];
        for (int s = 0; s < lengths.Length; s++)
        {
            inputs[s] = new float[lengths[s] * 3];
            for (int t = 0; t < lengths[s]; t++)
                for (int k = 0; k < 3; k++) inputs[s][t * 3 + k] = s * 1000 + t + k / 10f + 1;
            targets[s] = new double[] { s + 1, -(s + 1) * lengths[s] };
        }
        return (inputs, targets);
    }

    private static int SmallestBucket(int length)
    {
        for (int k = 0; k < Buckets.Length; k++) if (length <= Buckets[k]) return k;
        throw new InvalidOperationException($"No bucket holds {length} steps.");
    }

    private sealed record BatchCopy(int Bucket, int Steps, int Count, int[] Lengths, int[] Sequences, string Inputs, string Targets);

    private static List<BatchCopy> Epoch<TIn, TOut>(SequenceBatcher<TIn, TOut> batcher) where TIn : unmanaged where TOut : unmanaged
    {
        var copies = new List<BatchCopy>();
        foreach (SequenceBatch<TIn, TOut> b in batcher.NextEpoch())
            copies.Add(new BatchCopy(b.Bucket, b.Steps, b.Count, b.Lengths.ToArray(), b.Sequences.ToArray(), string.Join(",", b.Inputs.ToArray()), string.Join(",", b.Targets.ToArray())));
        return copies;
    }

    /// <summary>
    /// Checks one epoch against the naive layout: each lane's sequence (identified by its content), its bucket, its
    /// length, its inputs and targets at <c>(t·B + b)·width + k</c>, zeros everywhere else; each sequence exactly once.
    /// </summary>
    private static void CheckEpoch<TIn, TOut>(SequenceBatcher<TIn, TOut> batcher, TIn[][] inputs, TOut[][] targets, int inputSize, int targetSize, bool perStep, Func<TIn, int> sequenceOfFirstInput)
        where TIn : unmanaged, IEquatable<TIn> where TOut : unmanaged, IEquatable<TOut>
    {
        int batch = batcher.Batch;
        var seen = new int[inputs.Length];
        var batchesPerBucket = new int[Buckets.Length];
        int batches = 0;
        foreach (SequenceBatch<TIn, TOut> b in batcher.NextEpoch())
        {
            batches++;
            batchesPerBucket[b.Bucket]++;
            Assert.Equal(Buckets[b.Bucket], b.Steps);
            int outputSteps = perStep ? b.Steps : 1;
            Assert.Equal(b.Steps * batch * inputSize, b.Inputs.Length);
            Assert.Equal(outputSteps * batch * targetSize, b.Targets.Length);
            Assert.Equal(batch, b.Lengths.Length);
            Assert.Equal(batch, b.Sequences.Length);
            Assert.InRange(b.Count, 1, batch);

            var expectedInputs = new TIn[b.Inputs.Length];
            var expectedTargets = new TOut[b.Targets.Length];
            for (int lane = 0; lane < batch; lane++)
            {
                if (lane >= b.Count)
                {
                    Assert.True(b.Lengths[lane] == 0, $"unused lane {lane} has length {b.Lengths[lane]}");
                    Assert.Equal(-1, b.Sequences[lane]);
                    continue;
                }
                int s = sequenceOfFirstInput(b.Inputs[lane * inputSize]);
                Assert.Equal(s, b.Sequences[lane]);
                seen[s]++;
                int length = inputs[s].Length / inputSize;
                Assert.Equal(length, b.Lengths[lane]);
                Assert.Equal(SmallestBucket(length), b.Bucket);
                for (int t = 0; t < length; t++)
                {
                    for (int k = 0; k < inputSize; k++) expectedInputs[(t * batch + lane) * inputSize + k] = inputs[s][t * inputSize + k];
                    if (perStep)
                        for (int k = 0; k < targetSize; k++) expectedTargets[(t * batch + lane) * targetSize + k] = targets[s][t * targetSize + k];
                }
                if (!perStep)
                    for (int k = 0; k < targetSize; k++) expectedTargets[lane * targetSize + k] = targets[s][k];
            }
            for (int i = 0; i < expectedInputs.Length; i++)
                Assert.True(expectedInputs[i].Equals(b.Inputs[i]), $"bucket {b.Bucket}: input {i} is {b.Inputs[i]}, expected {expectedInputs[i]}");
            for (int i = 0; i < expectedTargets.Length; i++)
                Assert.True(expectedTargets[i].Equals(b.Targets[i]), $"bucket {b.Bucket}: target {i} is {b.Targets[i]}, expected {expectedTargets[i]}");
        }

        for (int s = 0; s < seen.Length; s++) Assert.True(seen[s] == 1, $"sequence {s} appeared {seen[s]} times");
        for (int k = 0; k < Buckets.Length; k++)
        {
            int inBucket = inputs.Count(x => SmallestBucket(x.Length / inputSize) == k);
            Assert.Equal(inBucket, batcher.SequencesInBucket(k));
            Assert.Equal((inBucket + batch - 1) / batch, batchesPerBucket[k]);
        }
        Assert.Equal(batcher.BatchesPerEpoch, batches);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void Many_to_many_tokens_every_sequence_once_per_epoch_in_the_smallest_bucket_laid_out_time_major(int batch)
    {
        int[] lengths = Lengths(45, seed: 3);
        var (inputs, targets) = TokenData(lengths);
        var batcher = new SequenceBatcher<int, int>(inputs, targets, 1, 1, Topology.ManyToMany, Buckets, batch, seed: 11);
        Assert.Equal(45, batcher.Count);
        for (int epoch = 0; epoch < 3; epoch++)
            CheckEpoch(batcher, inputs, targets, 1, 1, perStep: true, first => (first - 1) / 1000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Many_to_one_vectors_one_target_per_sequence_at_its_lane(int batch)
    {
        int[] lengths = Lengths(38, seed: 4);
        var (inputs, targets) = VectorData(lengths);
        var batcher = new SequenceBatcher<float, double>(inputs, targets, 3, 2, Topology.ManyToOne, Buckets, batch, seed: 12);
        for (int epoch = 0; epoch < 2; epoch++)
            CheckEpoch(batcher, inputs, targets, 3, 2, perStep: false, first => (int)((first - 1) / 1000));
    }

    [Fact]
    public void Many_to_many_vector_targets_are_laid_out_per_step_and_lane()
    {
        int[] lengths = Lengths(20, seed: 5);
        var (inputs, _) = VectorData(lengths);
        // Per-step targets of width 3: the input itself, negated.
        double[][] targets = inputs.Select(x => x.Select(v => -(double)v).ToArray()).ToArray();
        var batcher = new SequenceBatcher<float, double>(inputs, targets, 3, 3, Topology.ManyToMany, Buckets, 6, seed: 13);
        CheckEpoch(batcher, inputs, targets, 3, 3, perStep: true, first => (int)((first - 1) / 1000));
    }

    [Fact]
    public void A_partial_last_batch_has_its_sequences_first_and_zero_lanes_after()
    {
        // Bucket 0 gets 5 sequences, bucket 1 none, bucket 2 one: batches of 4 give 2 + 0 + 1 batches.
        int[] lengths = { 3, 16, 1, 64, 9, 10 };
        var (inputs, targets) = TokenData(lengths);
        var batcher = new SequenceBatcher<int, int>(inputs, targets, 1, 1, Topology.ManyToMany, Buckets, 4, seed: 1);
        Assert.Equal(3, batcher.BatchesPerEpoch);
        Assert.Equal(new[] { 5, 0, 1 }, new[] { batcher.SequencesInBucket(0), batcher.SequencesInBucket(1), batcher.SequencesInBucket(2) });
        var counts = new List<(int Bucket, int Count, int[] Lengths)>();
        foreach (var b in batcher.NextEpoch()) counts.Add((b.Bucket, b.Count, b.Lengths.ToArray()));
        Assert.Equal(new[] { (0, 1), (0, 4), (2, 1) }, counts.Select(c => (c.Bucket, c.Count)).Order().ToArray());
        foreach (var (_, count, laneLengths) in counts)
        {
            Assert.All(laneLengths.Take(count), l => Assert.True(l > 0));
            Assert.All(laneLengths.Skip(count), l => Assert.Equal(0, l));
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_epochs_and_another_seed_another_order()
    {
        int[] lengths = Lengths(60, seed: 6);
        var (inputs, targets) = TokenData(lengths);
        SequenceBatcher<int, int> Make(ulong seed) => new(inputs, targets, 1, 1, Topology.ManyToMany, Buckets, 4, seed);
        SequenceBatcher<int, int> a = Make(42), b = Make(42), c = Make(43);
        var first = new List<List<BatchCopy>>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            List<BatchCopy> fromA = Epoch(a), fromB = Epoch(b);
            Assert.Equal(fromA.Count, fromB.Count);
            for (int i = 0; i < fromA.Count; i++)
            {
                Assert.Equal(fromA[i].Bucket, fromB[i].Bucket);
                Assert.Equal(fromA[i].Sequences, fromB[i].Sequences);
                Assert.Equal(fromA[i].Inputs, fromB[i].Inputs);
                Assert.Equal(fromA[i].Targets, fromB[i].Targets);
            }
            first.Add(fromA);
        }
        int[] Order(List<BatchCopy> epoch) => epoch.SelectMany(x => x.Sequences).ToArray();
        Assert.NotEqual(Order(first[0]), Order(Epoch(c)));
        // Each epoch shuffles again.
        Assert.NotEqual(Order(first[0]), Order(first[1]));
        Assert.NotEqual(Order(first[1]), Order(first[2]));
    }

    [Fact]
    public void The_order_for_a_seed_is_pinned_so_every_process_gets_it()
    {
        // Printed once by this implementation: a change here changes the batches of every recorded run.
        int[] lengths = { 5, 20, 3, 40, 7, 18, 2, 33, 9 };
        var (inputs, targets) = TokenData(lengths);
        var batcher = new SequenceBatcher<int, int>(inputs, targets, 1, 1, Topology.ManyToMany, Buckets, 2, seed: 2026);
        string Order() => string.Join(" | ", Epoch(batcher).Select(x => $"{x.Bucket}:{string.Join(",", x.Sequences)}"));
        Assert.Equal("0:0,2 | 2:7,3 | 0:8,6 | 0:4,-1 | 1:5,1", Order());
        Assert.Equal("2:3,7 | 0:0,4 | 1:1,5 | 0:6,8 | 0:2,-1", Order());
    }

    [Fact]
    public void An_epoch_shuffles_the_batches_across_buckets_and_the_sequences_inside_a_bucket()
    {
        int[] lengths = Lengths(90, seed: 7);
        var (inputs, targets) = TokenData(lengths);
        var batcher = new SequenceBatcher<int, int>(inputs, targets, 1, 1, Topology.ManyToMany, Buckets, 3, seed: 8);
        List<BatchCopy> epoch = Epoch(batcher);
        int[] buckets = epoch.Select(x => x.Bucket).ToArray();
        Assert.NotEqual(buckets.Order().ToArray(), buckets);
        // Which sequences share a batch changes from epoch to epoch (a shuffle of the batches alone would keep it).
        static string[] Groups(List<BatchCopy> e) => e.Select(x => string.Join(",", x.Sequences.Where(s => s >= 0).Order())).Order().ToArray();
        Assert.NotEqual(Groups(epoch), Groups(Epoch(batcher)));
        // Inside a batch the lanes are not in the order of the constructor's list.
        Assert.Contains(epoch, x => !x.Sequences.Take(x.Count).SequenceEqual(x.Sequences.Take(x.Count).Order()));
    }

    [Fact]
    public void Enumerating_an_epoch_again_repeats_it_and_a_new_epoch_ends_the_old_one()
    {
        int[] lengths = Lengths(25, seed: 9);
        var (inputs, targets) = TokenData(lengths);
        var batcher = new SequenceBatcher<int, int>(inputs, targets, 1, 1, Topology.ManyToMany, Buckets, 4, seed: 2);
        Assert.Equal(-1, batcher.EpochIndex);
        var epoch = batcher.NextEpoch();
        Assert.Equal(0, epoch.Index);
        var once = new List<int>();
        foreach (var b in epoch) once.AddRange(b.Sequences.ToArray());
        var twice = new List<int>();
        foreach (var b in epoch) twice.AddRange(b.Sequences.ToArray());
        Assert.Equal(once, twice);

        Assert.Equal(1, batcher.NextEpoch().Index);
        var ex = Assert.Throws<InvalidOperationException>(() => { foreach (var b in epoch) _ = b.Count; });
        Assert.Contains("Epoch 0 has ended", ex.Message);
    }

    [Fact]
    public void The_batcher_keeps_its_own_copy_of_the_sequences()
    {
        int[] lengths = Lengths(12, seed: 10);
        var (inputs, targets) = TokenData(lengths);
        var (expectedInputs, expectedTargets) = TokenData(lengths);
        var batcher = new SequenceBatcher<int, int>(inputs, targets, 1, 1, Topology.ManyToMany, Buckets, 5, seed: 3);
        foreach (int[] x in inputs) Array.Fill(x, 0);
        foreach (int[] y in targets) Array.Fill(y, 0);
        CheckEpoch(batcher, expectedInputs, expectedTargets, 1, 1, perStep: true, first => (first - 1) / 1000);
    }

    [Fact]
    public void A_whole_epoch_allocates_nothing()
    {
        int[] lengths = Lengths(50, seed: 11);
        var (inputs, targets) = VectorData(lengths);
        var batcher = new SequenceBatcher<float, double>(inputs, targets, 3, 2, Topology.ManyToOne, Buckets, 4, seed: 5);
        double sum = 0;
        long bytes = RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() =>
        {
            foreach (SequenceBatch<float, double> b in batcher.NextEpoch())
                sum += b.Inputs[0] + b.Targets[0] + b.Lengths[0] + b.Sequences[0] + b.Steps + b.Bucket + b.Count;
        });
        Assert.True(sum != 0);
        Assert.Equal(0, bytes);
    }
}
