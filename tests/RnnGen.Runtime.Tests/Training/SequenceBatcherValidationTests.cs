using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>
/// Bad arguments to <see cref="SequenceBatcher{TInput, TTarget}"/>: an <see cref="ArgumentException"/> naming the
/// argument and the offending index and value, and the caller's data left as it was.
/// </summary>
public class SequenceBatcherValidationTests
{
    private sealed class Arguments
    {
        public float[][] Inputs = { new float[] { 1, 2, 3, 4 }, new float[] { 5, 6 }, new float[] { 7, 8, 9, 10, 11, 12 } };
        public int[][] Targets = { new[] { 1, 2 }, new[] { 3 }, new[] { 4, 5, 6 } };
        public int InputSize = 2, TargetSize = 1, Batch = 2;
        public Topology Topology = Topology.ManyToMany;
        public int[] Buckets = { 2, 4 };

        public SequenceBatcher<float, int> Build() => new(Inputs, Targets, InputSize, TargetSize, Topology, Buckets, Batch, seed: 1);
    }

    // Each case: a change to valid arguments, the argument the exception must name, and words its message must contain.
    public static TheoryData<string, string, string[]> Cases => new()
    {
        { "batch 0", "batch", new[] { "0", "at least 1" } },
        { "batch -3", "batch", new[] { "-3", "at least 1" } },
        { "input size 0", "inputSize", new[] { "0" } },
        { "target size 0", "targetSize", new[] { "0" } },
        { "one-to-many", "topology", new[] { "OneToMany", "many-to-many" } },
        { "no buckets", "bucketSteps", new[] { "At least one bucket" } },
        { "bucket of 0 steps", "bucketSteps", new[] { "Bucket 1", "0 steps" } },
        { "buckets not ascending", "bucketSteps", new[] { "Bucket 1", "2 steps", "bucket 0 (4)", "ascending" } },
        { "buckets repeated", "bucketSteps", new[] { "Bucket 1", "2 steps", "bucket 0 (2)" } },
        { "no sequences", "inputs", new[] { "At least one sequence" } },
        { "null sequence", "inputs", new[] { "Sequence 1", "null" } },
        { "empty sequence", "inputs", new[] { "Sequence 2", "empty" } },
        { "too long", "inputs", new[] { "Sequence 1", "5 steps", "largest bucket (4)" } },
        { "not whole steps", "inputs", new[] { "Sequence 0", "3 values", "2" } },
        { "targets missing", "targets", new[] { "3 sequences", "2" } },
        { "null targets", "targets", new[] { "sequence 2", "null" } },
        { "targets too short", "targets", new[] { "sequence 2", "2 values", "expected 3" } },
        { "many-to-one targets per step", "targets", new[] { "sequence 0", "2 values", "expected 1" } },
    };

    private static void Apply(string change, Arguments a)
    {
        switch (change)
        {
            case "batch 0": a.Batch = 0; break;
            case "batch -3": a.Batch = -3; break;
            case "input size 0": a.InputSize = 0; break;
            case "target size 0": a.TargetSize = 0; break;
            case "one-to-many": a.Topology = Topology.OneToMany; break;
            case "no buckets": a.Buckets = Array.Empty<int>(); break;
            case "bucket of 0 steps": a.Buckets = new[] { 4, 0 }; break;
            case "buckets not ascending": a.Buckets = new[] { 4, 2 }; break;
            case "buckets repeated": a.Buckets = new[] { 2, 2, 4 }; break;
            case "no sequences": a.Inputs = Array.Empty<float[]>(); a.Targets = Array.Empty<int[]>(); break;
            case "null sequence": a.Inputs[1] = null!; break;
            case "empty sequence": a.Inputs[2] = Array.Empty<float>(); break;
            case "too long": a.Inputs[1] = new float[10]; a.Targets[1] = new int[5]; break;
            case "not whole steps": a.Inputs[0] = new float[] { 1, 2, 3 }; break;
            case "targets missing": a.Targets = a.Targets[..2]; break;
            case "null targets": a.Targets[2] = null!; break;
            case "targets too short": a.Targets[2] = new[] { 4, 5 }; break;
            case "many-to-one targets per step": a.Topology = Topology.ManyToOne; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }
    }

    [Fact]
    public void The_valid_arguments_of_these_cases_build()
    {
        SequenceBatcher<float, int> batcher = new Arguments().Build();
        Assert.Equal(2, batcher.BatchesPerEpoch);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_arguments_throw_naming_the_argument_and_the_offender_and_change_nothing(string change, string paramName, string[] words)
    {
        var a = new Arguments();
        Apply(change, a);
        float[]?[] inputsBefore = a.Inputs.Select(x => x?.ToArray()).ToArray();
        int[]?[] targetsBefore = a.Targets.Select(y => y?.ToArray()).ToArray();
        int[] bucketsBefore = a.Buckets.ToArray();

        ArgumentException ex = Assert.ThrowsAny<ArgumentException>(() => a.Build());
        Assert.Equal(paramName, ex.ParamName);
        foreach (string word in words) Assert.Contains(word, ex.Message);

        Assert.Equal(inputsBefore, a.Inputs);
        Assert.Equal(targetsBefore, a.Targets);
        Assert.Equal(bucketsBefore, a.Buckets);
    }

    [Fact]
    public void Null_lists_throw_ArgumentNullException()
    {
        var a = new Arguments();
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => new SequenceBatcher<float, int>(null!, a.Targets, 2, 1, Topology.ManyToMany, a.Buckets, 2, 1)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentNullException>(() => new SequenceBatcher<float, int>(a.Inputs, null!, 2, 1, Topology.ManyToMany, a.Buckets, 2, 1)).ParamName);
        Assert.Equal("bucketSteps", Assert.Throws<ArgumentNullException>(() => new SequenceBatcher<float, int>(a.Inputs, a.Targets, 2, 1, Topology.ManyToMany, null!, 2, 1)).ParamName);
    }

    [Fact]
    public void A_bucket_index_out_of_range_throws()
    {
        SequenceBatcher<float, int> batcher = new Arguments().Build();
        Assert.Equal(2, batcher.SequencesInBucket(0));
        Assert.Equal(1, batcher.SequencesInBucket(1));
        Assert.Equal("bucket", Assert.Throws<ArgumentOutOfRangeException>(() => batcher.SequencesInBucket(2)).ParamName);
        Assert.Equal("bucket", Assert.Throws<ArgumentOutOfRangeException>(() => batcher.SequencesInBucket(-1)).ParamName);
    }

    [Fact]
    public void A_default_epoch_cannot_be_enumerated()
    {
        var epoch = default(SequenceBatcher<float, int>.Epoch);
        Assert.Throws<InvalidOperationException>(() => epoch.GetEnumerator());
    }
}
