using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Randomness;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>One-to-many and encoder–decoder: semantics, decoding, and learning.</summary>
public class GenerationTests(ITestOutputHelper output)
{
    [Fact]
    public void Encoder_decoder_forward_matches_reference()
    {
        // Encoder over the input; its final h and c start the decoder, which reads [start, y_0, y_1, …] (teacher forcing).
        var m = new SmallSeq2Seq(5);
        var d = new ModelDriver<double>(m, 2);
        d.Forward();
        var reference = new ReferenceModel(name => m.Parameter(name).ToArray());
        var layers = new[] { (ReferenceModel.Cell.Lstm, 3), (ReferenceModel.Cell.Gru, 2) };
        double[] encEmb = m.Parameter("encoder.embedding.weight").ToArray(), decEmb = m.Parameter("decoder.embedding.weight").ToArray();
        Assert.Equal((SmallSeq2Seq.OutputSize + 1) * 2, decEmb.Length); // a row for the start token
        var xe = Rows(3, 2, (t, b) => encEmb.AsSpan(d.Tokens![t * 2 + b] * 2, 2).ToArray());
        var (_, encH, encC) = reference.Run(xe, layers, ReferenceModel.Head.Softmax, false, "encoder.", "decoder.head.");
        int[] decoderTokens = Enumerable.Repeat(SmallSeq2Seq.StartToken, 2).Concat(d.ClassTargets!.Take(3 * 2)).ToArray();
        var xd = Rows(4, 2, (t, b) => decEmb.AsSpan(decoderTokens[t * 2 + b] * 2, 2).ToArray());
        var (expected, decH, _) = reference.Run(xd, layers, ReferenceModel.Head.Softmax, false, "decoder.", "decoder.head.", encH, encC);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], m.Output[i], 1e-13);
        Assert.Equal(decH[0].Concat(decH[1]).ToArray(), m.FinalState[..(decH[0].Length + decH[1].Length)].ToArray(), new ToleranceComparer(1e-13));
    }

    [Fact]
    public void Greedy_decoding_equals_teacher_forcing_on_its_own_choices()
    {
        var m = new SmallSeq2Seq(3);
        var d = new ModelDriver<double>(m, 4);
        m.Forward(d.Tokens); // free-running, step by step
        int[] generated = m.Generated.ToArray();
        double[] free = m.Output.ToArray();
        for (int row = 0; row < generated.Length; row++)
            Assert.Equal(Sampling_ArgMax(free.AsSpan(row * 4, 4)), generated[row]);
        m.Forward(d.Tokens, generated); // the same choices fed as targets
        Assert.Equal(free, m.Output.ToArray(), new ToleranceComparer(1e-12));
        double loss = m.Loss(generated);
        m.Backward(generated); // backward after free-running inference is defined (choices count as given inputs)
        Assert.True(double.IsFinite(loss));

        var v = new VectorGenerator(2);
        var dv = new ModelDriver<double>(v, 1);
        v.Forward(dv.Inputs);
        double[] outputs = v.Output.ToArray();
        v.Forward(dv.Inputs, outputs); // each output was the next step's input
        Assert.Equal(outputs, v.Output.ToArray(), new ToleranceComparer(1e-12));
    }

    private static int Sampling_ArgMax(ReadOnlySpan<double> p) => RnnGen.Inference.Sampling.ArgMax(p);

    [Fact]
    public void Sampling_follows_the_temperature()
    {
        var m = new ReverseSeq2Seq(1);
        var tokens = new int[ReverseSeq2Seq.Steps * ReverseSeq2Seq.Batch];
        m.Generate(tokens, 0f, new Xoshiro256StarStar(1));
        int[] greedy = m.Generated.ToArray();
        m.Forward(tokens);
        Assert.Equal(greedy, m.Generated.ToArray());
        m.Generate(tokens, 5f, new Xoshiro256StarStar(1));
        int[] hot = m.Generated.ToArray();
        m.Generate(tokens, 5f, new Xoshiro256StarStar(1));
        Assert.Equal(hot, m.Generated.ToArray()); // same seed, same draws
        Assert.NotEqual(greedy, hot);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Generate(tokens, -1f, new Xoshiro256StarStar(1)));
        var random = new Xoshiro256StarStar(3);
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => m.Generate(tokens, 1f, random)));
    }

    [Fact]
    public void Encoder_decoder_learns_to_reverse_a_sequence()
    {
        var random = new Xoshiro256StarStar(11);
        var model = new ReverseSeq2Seq(seed: 3);
        var adam = new Adam<float>(0.01f);
        const int T = ReverseSeq2Seq.Steps, B = ReverseSeq2Seq.Batch;
        var x = new int[T * B];
        var y = new int[T * B];
        void Sample()
        {
            for (int b = 0; b < B; b++)
                for (int t = 0; t < T; t++)
                {
                    int v = random.NextInt(8);
                    x[t * B + b] = v;
                    y[(T - 1 - t) * B + b] = v;
                }
        }
        for (int step = 0; step < 1500; step++)
        {
            Sample();
            model.TrainStep(x, y, adam, clipNorm: 5f);
        }
        int correct = 0, total = 0;
        for (int batch = 0; batch < 10; batch++)
        {
            Sample();
            model.Forward(x); // greedy decoding, each step fed its own prediction
            for (int i = 0; i < y.Length; i++, total++) if (model.Generated[i] == y[i]) correct++;
        }
        double accuracy = (double)correct / total;
        output.WriteLine($"reverse: {accuracy:P1} token accuracy");
        Assert.True(accuracy > 0.95, $"token accuracy {accuracy:P1}");
    }

    [Fact]
    public void One_to_many_learns_to_count()
    {
        var model = new CountingGenerator(seed: 2);
        var adam = new Adam<float>(0.01f);
        const int B = CountingGenerator.Batch, T = CountingGenerator.OutputSteps;
        var start = new int[B];
        var y = new int[T * B];
        for (int b = 0; b < B; b++)
        {
            start[b] = b % 10;
            for (int t = 0; t < T; t++) y[t * B + b] = (start[b] + t + 1) % 10;
        }
        for (int step = 0; step < 300; step++) model.TrainStep(start, y, adam, clipNorm: 5f);
        model.Forward(start);
        int correct = 0;
        for (int i = 0; i < y.Length; i++) if (model.Generated[i] == y[i]) correct++;
        output.WriteLine($"counting: {correct}/{y.Length}");
        Assert.True(correct > 0.95 * y.Length);
    }

    private static double[][][] Rows(int steps, int batch, Func<int, int, double[]> row)
    {
        var x = new double[steps][][];
        for (int t = 0; t < steps; t++)
        {
            x[t] = new double[batch][];
            for (int b = 0; b < batch; b++) x[t][b] = row(t, b);
        }
        return x;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a));

        public int GetHashCode(double value) => 0;
    }
}
