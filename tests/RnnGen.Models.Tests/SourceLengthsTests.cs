using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

// One encoder–decoder network declared with two source lengths, over one set of parameters.
[RnnModel(Steps = 6, Batch = 4, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(8, Embedding = 4)]
[Lstm(8)]
[SoftmaxOutput(8)]
public partial class SourceSix { }

[RnnModel(Steps = 3, Batch = 4, Topology = Topology.EncoderDecoder, OutputSteps = 4)]
[TokenInput(8, Embedding = 4)]
[Lstm(8)]
[SoftmaxOutput(8)]
public partial class SourceThree { }

/// <summary>An encoder over sources of different lengths computes what an encoder over exactly those steps computes.</summary>
public class SourceLengthsTests
{
    [Fact]
    public void Three_real_source_steps_of_six_are_a_source_of_three()
    {
        var six = new SourceSix(seed: 4);
        var three = new SourceThree(six.SharedParameters);
        var random = new Xoshiro256StarStar(5);
        var longSource = new int[6 * 4];
        for (int i = 0; i < longSource.Length; i++) longSource[i] = random.NextInt(8);
        var shortSource = longSource.AsSpan(0, 3 * 4).ToArray();
        for (int i = 3 * 4; i < longSource.Length; i++) longSource[i] = 1000 + i; // never read
        var targets = new int[4 * 4];
        for (int i = 0; i < targets.Length; i++) targets[i] = random.NextInt(8);
        int[] sources = { 3, 3, 3, 3 }, full = { 4, 4, 4, 4 };

        six.Forward(longSource, targets, sources, full);
        three.Forward(shortSource, targets);
        for (int i = 0; i < three.Output.Length; i++) Assert.Equal(three.Output[i], six.Output[i], 1e-6f);
        Assert.Equal(three.Loss(targets), six.Loss(targets), 1e-5f);
        Assert.Equal(sources, six.SourceLengths.ToArray());

        six.Generate(longSource, sources, temperature: 0, new Xoshiro256StarStar(1));
        three.Forward(shortSource);
        Assert.Equal(three.Generated.ToArray(), six.Generated.ToArray());

        // Without source lengths the same call reads all six steps, so the garbage in steps 3–5 would be read: refused.
        Assert.Throws<ArgumentException>(() => six.Forward(longSource, targets));
    }

    [Fact]
    public void Bad_source_lengths_are_refused_naming_the_argument()
    {
        var six = new SourceSix(seed: 4);
        var tokens = new int[6 * 4];
        var targets = new int[4 * 4];
        var e = Assert.Throws<ArgumentException>(() => six.Forward(tokens, targets, new[] { 7, 1, 1, 1 }, new[] { 4, 4, 4, 4 }));
        Assert.Equal("sourceLengths", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => six.TrainStep(tokens, targets, new[] { 1, 1, 1, 1 }, new[] { 5, 4, 4, 4 }, new Sgd<float>(0.1f), 0f));
        Assert.Equal("targetLengths", e.ParamName);
    }
}
