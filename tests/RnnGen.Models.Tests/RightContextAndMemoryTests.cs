using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>Learning tests of issue 4: right context (bidirectional) and long-range memory (the adding problem).</summary>
public class RightContextAndMemoryTests(ITestOutputHelper output)
{
    /// <summary>Trains a tagger whose label at t is the parity of token t + 1 (0 after the last token); returns held-out accuracy.</summary>
    private static double TrainTagger<TModel>(TModel model, int steps) where TModel : ISupervisedModel<float, int, int>
    {
        var random = new Xoshiro256StarStar(3);
        int t = model.Steps, b = model.Batch;
        var x = new int[t * b];
        var y = new int[t * b];
        void Sample()
        {
            for (int i = 0; i < x.Length; i++) x[i] = random.NextInt(8);
            for (int s = 0; s < t; s++)
                for (int lane = 0; lane < b; lane++)
                    y[s * b + lane] = s + 1 < t ? x[(s + 1) * b + lane] % 2 : 0;
        }
        var adam = new Adam<float>(0.01f);
        for (int i = 0; i < steps; i++)
        {
            Sample();
            model.TrainStep(x, y, adam, 5f);
        }
        int correct = 0, total = 0;
        for (int batch = 0; batch < 10; batch++)
        {
            Sample();
            model.Forward(x);
            for (int row = 0; row < y.Length; row++, total++)
                if ((model.Output[row * 2 + 1] > model.Output[row * 2]) == (y[row] == 1)) correct++;
        }
        return (double)correct / total;
    }

    [Fact]
    public void Bidirectional_gru_tags_with_the_next_tokens_class()
    {
        double bidirectional = TrainTagger(new NextTokenTagger(1), 300);
        double causal = TrainTagger(new CausalTagger(1), 300);
        output.WriteLine($"bidirectional {bidirectional:P1}, causal {causal:P1}");
        Assert.True(bidirectional > 0.95, $"bidirectional accuracy {bidirectional:P1}");
        // The control shows the task needs right context: a causal model can only guess the next token's parity.
        Assert.True(causal < 0.6, $"causal accuracy {causal:P1}");
    }

    /// <summary>One batch of the adding problem (Hochreiter and Schmidhuber 1997): values U[0, 1], two marked positions (one in each half), target their sum.</summary>
    internal static void AddingBatch(Xoshiro256StarStar random, int steps, int batch, float[] x, float[] y)
    {
        Array.Clear(x);
        for (int b = 0; b < batch; b++)
        {
            int first = random.NextInt(steps / 2), second = steps / 2 + random.NextInt(steps / 2);
            double sum = 0;
            for (int t = 0; t < steps; t++)
            {
                float v = (float)random.NextDouble();
                x[(t * batch + b) * 2] = v;
                if (t == first || t == second)
                {
                    x[(t * batch + b) * 2 + 1] = 1;
                    sum += v;
                }
            }
            y[b] = (float)sum;
        }
    }

    [Fact]
    public void Lstm_solves_the_adding_problem_at_T_50()
    {
        var random = new Xoshiro256StarStar(9);
        var model = new AddingLstm(4);
        var adam = new Adam<float>(0.01f);
        var x = new float[AddingLstm.Steps * AddingLstm.Batch * 2];
        var y = new float[AddingLstm.Batch];
        int step;
        double mse = double.NaN;
        for (step = 1; step <= 3000; step++)
        {
            AddingBatch(random, AddingLstm.Steps, AddingLstm.Batch, x, y);
            model.TrainStep(x, y, adam, 1f);
            if (step % 100 == 0)
            {
                // Held-out MSE on fresh batches (Loss: squared error averaged over the batch = MSE for one output).
                double total = 0;
                for (int k = 0; k < 4; k++)
                {
                    AddingBatch(random, AddingLstm.Steps, AddingLstm.Batch, x, y);
                    model.Forward(x);
                    total += model.Loss(y);
                }
                mse = total / 4;
                if (mse < 0.01) break;
            }
        }
        output.WriteLine($"adding problem T = 50: held-out MSE {mse:F4} after {step} steps (baseline 0.167)");
        Assert.True(mse < 0.01, $"MSE {mse} after {step} steps");
    }
}
