using RnnGen.Inference;
using RnnGen.Models.Tests.Models;

namespace RnnGen.Models.Tests;

/// <summary>
/// <see cref="BeamSearch{T}"/>: a beam as wide as every sequence is the exhaustive search, a beam of one is greedy
/// decoding, the log-probabilities are those of teacher forcing, and a search allocates nothing.
/// </summary>
public class BeamSearchTests
{
    private static long Allocated(Action action) => RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(action);

    /// <summary>BeamTiny with its parameters scaled up, so its distributions are far from uniform and the rankings mean something.</summary>
    private static BeamTiny Tiny(ulong seed)
    {
        var model = new BeamTiny(seed);
        foreach (ref double p in model.Parameters) p *= 3;
        model.Encode(DecoderStepTests.Tokens(BeamTiny.Steps * BeamTiny.Batch, BeamTiny.InputSize, (int)seed));
        return model;
    }

    private sealed record Sequence(int[] Tokens, double LogProbability, double Score);

    /// <summary>
    /// Every finished sequence of at most <paramref name="maxLength"/> tokens (ended by <paramref name="endToken"/>, or
    /// reaching the maximum length), scored from the model's own step probabilities, best first.
    /// </summary>
    private static List<Sequence> Exhaustive(IDecoderStepModel<double, int> model, int lane, int maxLength, double alpha, int endToken)
    {
        var all = new List<Sequence>();
        var start = new double[model.DecoderStateSize];
        var first = new int[1];
        model.StartDecoder(lane, start);
        model.StartInput(lane, first);
        void Visit(double[] state, int input, List<int> prefix, double logProbability)
        {
            var next = (double[])state.Clone();
            var p = new double[model.OutputSize];
            model.DecoderStep([lane], [input], next, p);
            for (int token = 0; token < model.OutputSize; token++)
            {
                var tokens = new List<int>(prefix) { token };
                double lp = logProbability + Math.Log(p[token]);
                if (token == endToken || tokens.Count == maxLength)
                    all.Add(new Sequence([.. tokens], lp, lp / BeamSearch<double>.LengthNormalization(tokens.Count, alpha)));
                else
                    Visit(next, token, tokens, lp);
            }
        }
        Visit(start, first[0], [], 0);
        return [.. all.OrderByDescending(s => s.Score)];
    }

    [Theory]
    [InlineData(0.0, 2)]
    [InlineData(0.6, 2)]
    [InlineData(0.6, -1)]
    [InlineData(1.5, 0)]
    public void A_beam_as_wide_as_every_sequence_is_the_exhaustive_search(double alpha, int endToken)
    {
        using BeamTiny model = Tiny(3);
        const int results = 6;
        var beam = new BeamSearch<double>(model, beamWidth: 81, resultCount: results, lengthPenalty: alpha, endToken: endToken); // 81 = 3⁴
        for (int lane = 0; lane < BeamTiny.Batch; lane++)
        {
            List<Sequence> expected = Exhaustive(model, lane, BeamTiny.OutputSteps, alpha, endToken);
            Assert.Equal(results, beam.Search(lane));
            for (int rank = 0; rank < results; rank++)
            {
                Assert.Equal(expected[rank].Tokens, beam.Tokens(rank).ToArray());
                Assert.Equal(expected[rank].Tokens.Length, beam.Length(rank));
                Assert.Equal(expected[rank].LogProbability, beam.LogProbability(rank), 1e-12);
                Assert.Equal(expected[rank].Score, beam.Score(rank), 1e-12);
            }
            for (int rank = 1; rank < results; rank++) Assert.True(beam.Score(rank - 1) >= beam.Score(rank));
        }
    }

    [Fact]
    public void A_beam_of_one_is_greedy_decoding()
    {
        using BeamTiny model = Tiny(5);
        int[] source = DecoderStepTests.Tokens(BeamTiny.Steps * BeamTiny.Batch, BeamTiny.InputSize, 6);
        ITokenGeneratingModel<double, int> generic = model;
        generic.Forward(source);
        int[] generated = generic.Generated.ToArray(), lengths = generic.GeneratedLengths.ToArray();
        generic.Encode(source);
        var beam = new BeamSearch<double>(generic, beamWidth: 1, endToken: BeamTiny.EndToken);
        for (int lane = 0; lane < BeamTiny.Batch; lane++)
        {
            Assert.Equal(1, beam.Search(lane));
            int[] greedy = Enumerable.Range(0, lengths[lane]).Select(t => generated[t * BeamTiny.Batch + lane]).ToArray();
            Assert.Equal(greedy, beam.Tokens(0).ToArray());
        }

        // One-to-many: the search starts from the encoded token (StartInput), or from a token the caller gives.
        using var oneToMany = new BeamTinyOneToMany(7);
        foreach (ref double p in oneToMany.Parameters) p *= 3;
        int[] first = [2, 1];
        oneToMany.Forward(first);
        int[] oneToManyGenerated = oneToMany.Generated.ToArray();
        oneToMany.Encode(first);
        var oneToManyBeam = new BeamSearch<double>(oneToMany, beamWidth: 1);
        for (int lane = 0; lane < BeamTinyOneToMany.Batch; lane++)
        {
            int[] greedy = Enumerable.Range(0, BeamTinyOneToMany.OutputSteps).Select(t => oneToManyGenerated[t * BeamTinyOneToMany.Batch + lane]).ToArray();
            oneToManyBeam.Search(lane);
            Assert.Equal(greedy, oneToManyBeam.Tokens(0).ToArray());
            oneToManyBeam.Search(lane, first[lane]);
            Assert.Equal(greedy, oneToManyBeam.Tokens(0).ToArray());
        }
    }

    [Fact]
    public void Log_probabilities_are_those_of_teacher_forcing()
    {
        using BeamTiny model = Tiny(9);
        int[] source = DecoderStepTests.Tokens(BeamTiny.Steps * BeamTiny.Batch, BeamTiny.InputSize, 9);
        model.Encode(source);
        var beam = new BeamSearch<double>(model, beamWidth: 4, resultCount: 4, lengthPenalty: 0.6, endToken: BeamTiny.EndToken);
        const int lane = 1;
        int count = beam.Search(lane);
        Assert.Equal(4, count);
        var results = Enumerable.Range(0, count).Select(r => (Tokens: beam.Tokens(r).ToArray(), LogProbability: beam.LogProbability(r))).ToList();
        foreach ((int[] tokens, double logProbability) in results)
        {
            var targets = new int[BeamTiny.OutputSteps * BeamTiny.Batch];
            for (int t = 0; t < tokens.Length; t++) targets[t * BeamTiny.Batch + lane] = tokens[t];
            model.Forward(source, targets);
            double sum = 0;
            for (int t = 0; t < tokens.Length; t++)
                sum += Math.Log(model.Output[(t * BeamTiny.Batch + lane) * BeamTiny.OutputSize + tokens[t]]);
            Assert.Equal(sum, logProbability, 1e-9);
        }
    }

    /// <summary>
    /// With attention over sources of different lengths, every hypothesis attends over its own lane's source: the widest
    /// beam is still the exhaustive search, a beam of one is still greedy decoding, and the log-probabilities are still
    /// those of teacher forcing.
    /// </summary>
    [Fact]
    public void With_attention_over_sources_of_different_lengths()
    {
        using var model = new BeamTinyAttention(11);
        foreach (ref double p in model.Parameters) p *= 3;
        int[] source = DecoderStepTests.Tokens(BeamTinyAttention.Steps * BeamTinyAttention.Batch, BeamTinyAttention.InputSize, 12);
        int[] sources = [2, 3];
        model.Generate(source, sources, 0, new Randomness.Xoshiro256StarStar(1));
        int[] generated = model.Generated.ToArray(), lengths = model.GeneratedLengths.ToArray();
        model.Encode(source, sources);
        var widest = new BeamSearch<double>(model, beamWidth: 81, resultCount: 3, lengthPenalty: 0.6, endToken: BeamTinyAttention.EndToken);
        var one = new BeamSearch<double>(model, beamWidth: 1, endToken: BeamTinyAttention.EndToken);
        for (int lane = 0; lane < BeamTinyAttention.Batch; lane++)
        {
            List<Sequence> expected = Exhaustive(model, lane, BeamTinyAttention.OutputSteps, 0.6, BeamTinyAttention.EndToken);
            Assert.Equal(3, widest.Search(lane));
            for (int rank = 0; rank < 3; rank++)
            {
                Assert.Equal(expected[rank].Tokens, widest.Tokens(rank).ToArray());
                Assert.Equal(expected[rank].Score, widest.Score(rank), 1e-12);
            }
            Assert.Equal(1, one.Search(lane));
            Assert.Equal(Enumerable.Range(0, lengths[lane]).Select(t => generated[t * BeamTinyAttention.Batch + lane]), one.Tokens(0).ToArray());
        }

        // The best hypothesis of lane 1, teacher-forced over the same source lengths, has the log-probability the search gave it.
        widest.Search(1);
        int[] best = widest.Tokens(0).ToArray();
        double logProbability = widest.LogProbability(0);
        var targets = new int[BeamTinyAttention.OutputSteps * BeamTinyAttention.Batch];
        for (int t = 0; t < best.Length; t++) targets[t * BeamTinyAttention.Batch + 1] = best[t];
        model.Forward(source, targets, sources, [BeamTinyAttention.OutputSteps, BeamTinyAttention.OutputSteps]);
        double sum = 0;
        for (int t = 0; t < best.Length; t++) sum += Math.Log(model.Output[(t * BeamTinyAttention.Batch + 1) * BeamTinyAttention.OutputSize + best[t]]);
        Assert.Equal(sum, logProbability, 1e-9);
    }

    [Fact]
    public void A_search_allocates_nothing()
    {
        using var model = new ReverseSeq2SeqWithEnd(1);
        model.Encode(DecoderStepTests.Tokens(ReverseSeq2SeqWithEnd.Steps * ReverseSeq2SeqWithEnd.Batch, ReverseSeq2SeqWithEnd.InputSize, 1));
        var beam = new BeamSearch<float>(model, beamWidth: 5, resultCount: 3, lengthPenalty: 0.6, endToken: ReverseSeq2SeqWithEnd.EndToken);
        Assert.Equal(0, Allocated(() => beam.Search(3)));
        using var counting = new CountingGenerator(2);
        counting.Encode(DecoderStepTests.Tokens(CountingGenerator.Steps * CountingGenerator.Batch, CountingGenerator.InputSize, 2));
        var countingBeam = new BeamSearch<float>(counting, beamWidth: 40, resultCount: 10, maxLength: 12);
        Assert.Equal(0, Allocated(() => countingBeam.Search(5)));
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        using var model = new BeamTiny(11);
        Assert.Throws<ArgumentNullException>(() => new BeamSearch<double>(null!, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearch<double>(model, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearch<double>(model, 2, resultCount: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearch<double>(model, 2, maxLength: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearch<double>(model, 2, lengthPenalty: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearch<double>(model, 2, lengthPenalty: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearch<double>(model, 2, endToken: BeamTiny.OutputSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearch<double>(model, 2, endToken: -2));
        var beam = new BeamSearch<double>(model, 2, resultCount: 2);
        Assert.Equal(BeamTiny.OutputSteps, beam.MaxLength);
        Assert.Throws<InvalidOperationException>(() => beam.Search(0)); // nothing encoded
        model.Encode(new int[BeamTiny.Steps * BeamTiny.Batch]);
        Assert.Throws<ArgumentOutOfRangeException>(() => beam.Search(BeamTiny.Batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => beam.Search(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => beam.Search(0, BeamTiny.DecoderInputSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => beam.Tokens(0)); // no search yet
        Assert.Equal(2, beam.Search(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => beam.Score(2));
    }
}
