using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>A declared end token stops each lane's decoding where that lane chooses it, and reports each lane's length.</summary>
public class EndTokenTests
{
    private static (ReverseSeq2Seq Plain, ReverseSeq2SeqWithEnd WithEnd, int[] Input) Models()
    {
        var plain = new ReverseSeq2Seq(seed: 5);
        var withEnd = new ReverseSeq2SeqWithEnd(plain.SharedParameters);
        // An untrained model says nearly the same for every lane: spread its lanes apart (larger embeddings and head
        // weights) and lean the head away from class 0, so that some lanes choose it early and others never do.
        foreach (ref float w in plain.Parameter("encoder.embedding.weight")) w *= 3;
        foreach (ref float w in plain.Parameter("decoder.head.weight")) w *= 8;
        plain.Parameter("decoder.head.bias")[0] -= 0.5f;
        var random = new Xoshiro256StarStar(6);
        var input = new int[ReverseSeq2Seq.Steps * ReverseSeq2Seq.Batch];
        for (int i = 0; i < input.Length; i++) input[i] = random.NextInt(8);
        return (plain, withEnd, input);
    }

    [Fact]
    public void Greedy_decoding_stops_each_lane_at_its_end_token()
    {
        var (plain, withEnd, input) = Models();
        plain.Forward(input);
        withEnd.Forward(input);
        int batch = ReverseSeq2Seq.Batch, steps = ReverseSeq2Seq.OutputSteps, early = 0, never = 0;
        for (int lane = 0; lane < batch; lane++)
        {
            int end = Enumerable.Range(0, steps).FirstOrDefault(t => plain.Generated[t * batch + lane] == 0, -1);
            int expected = end < 0 ? steps : end + 1;
            Assert.Equal(expected, withEnd.GeneratedLengths[lane]);
            Assert.Equal(steps, plain.GeneratedLengths[lane]); // no end token declared: every lane runs to the end
            for (int t = 0; t < steps; t++)
            {
                int token = withEnd.Generated[t * batch + lane];
                // Up to the end token both models read the same inputs and choose the same; after it, the end token repeats.
                Assert.Equal(t < expected ? plain.Generated[t * batch + lane] : ReverseSeq2SeqWithEnd.EndToken, token);
            }
            if (end >= 0 && end < steps - 1) early++;
            if (end < 0) never++;
        }
        Assert.True(early > 0 && never > 0, $"the test needs lanes that end early ({early}) and lanes that never end ({never})");
    }

    [Fact]
    public void Sampled_decoding_reports_where_each_lane_ended()
    {
        var (plain, withEnd, input) = Models();
        plain.Generate(input, temperature: 1f, new Xoshiro256StarStar(7));
        withEnd.Generate(input, temperature: 1f, new Xoshiro256StarStar(7));
        int batch = ReverseSeq2Seq.Batch, steps = ReverseSeq2Seq.OutputSteps;
        for (int lane = 0; lane < batch; lane++)
        {
            int length = withEnd.GeneratedLengths[lane];
            Assert.InRange(length, 1, steps);
            // A lane that has ended still draws: up to its end, every lane samples what it samples without an end token.
            for (int t = 0; t < length; t++) Assert.Equal(plain.Generated[t * batch + lane], withEnd.Generated[t * batch + lane]);
            for (int t = 0; t < length - 1; t++) Assert.NotEqual(0, withEnd.Generated[t * batch + lane]);
            if (length < steps || withEnd.Generated[(steps - 1) * batch + lane] == 0)
                for (int t = length - 1; t < steps; t++) Assert.Equal(0, withEnd.Generated[t * batch + lane]);
        }
    }
}
