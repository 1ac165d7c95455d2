using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>End-to-end: the generated forward and backward passes plus an optimizer actually learn.</summary>
public class LearningTests(ITestOutputHelper output)
{
    private const string Text =
        "the quick brown fox jumps over the lazy dog while a recurrent network reads every letter, " +
        "keeps a memory of what came before and learns to predict the next one from gradients flowing back through time, step by step.";

    [Fact]
    public void Two_layer_char_lstm_memorizes_a_200_character_string()
    {
        // The string is cut into 4 lanes of 50 steps; lane b reads Text[50b .. 50b+49] and predicts the next characters.
        string text = Text.Length >= 201 ? Text[..201] : throw new InvalidOperationException("text too short");
        char[] alphabet = text.Distinct().OrderBy(c => c).ToArray();
        Assert.True(alphabet.Length <= MemorizingLstm.InputSize);
        int[] ids = text.Select(c => Array.IndexOf(alphabet, c)).ToArray();
        var inputs = new int[MemorizingLstm.Steps * MemorizingLstm.Batch];
        var targets = new int[inputs.Length];
        for (int b = 0; b < MemorizingLstm.Batch; b++)
            for (int t = 0; t < MemorizingLstm.Steps; t++)
            {
                inputs[t * MemorizingLstm.Batch + b] = ids[b * 50 + t];
                targets[t * MemorizingLstm.Batch + b] = ids[b * 50 + t + 1];
            }

        var model = new MemorizingLstm(seed: 1);
        var adam = new Adam<float>(0.01f);
        float perChar = float.NaN;
        int step;
        for (step = 1; step <= 600; step++)
        {
            float loss = model.TrainStep(inputs, targets, adam, clipNorm: 5f);
            perChar = loss / MemorizingLstm.Steps; // Loss sums over steps and averages over the batch.
            if (perChar < 0.05f) break;
        }
        output.WriteLine($"{step} steps, {perChar:F4} nats/char");
        Assert.True(perChar < 0.05f, $"loss {perChar} nats/char after {step} steps");

        // Memorized means: greedy next-character predictions reproduce the string.
        model.Forward(inputs);
        int wrong = 0;
        for (int row = 0; row < targets.Length; row++)
        {
            ReadOnlySpan<float> p = model.Output.Slice(row * MemorizingLstm.OutputSize, MemorizingLstm.OutputSize);
            int best = 0;
            for (int j = 1; j < p.Length; j++) if (p[j] > p[best]) best = j;
            if (best != targets[row]) wrong++;
        }
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Gru_many_to_one_learns_the_sign_of_a_sum()
    {
        var random = new Xoshiro256StarStar(5);
        var model = new SignOfSumGru(seed: 2);
        var adam = new Adam<float>(0.01f);
        var x = new float[SignOfSumGru.Steps * SignOfSumGru.Batch];
        var y = new int[SignOfSumGru.Batch];

        void Sample()
        {
            for (int b = 0; b < SignOfSumGru.Batch; b++)
            {
                double sum = 0;
                for (int t = 0; t < SignOfSumGru.Steps; t++)
                {
                    float v = (float)random.NextUniform(-1, 1);
                    x[t * SignOfSumGru.Batch + b] = v;
                    sum += v;
                }
                y[b] = sum > 0 ? 1 : 0;
            }
        }

        for (int step = 0; step < 800; step++)
        {
            Sample();
            model.TrainStep(x, y, adam, clipNorm: 5f);
        }

        int correct = 0, total = 0;
        for (int batch = 0; batch < 30; batch++)
        {
            Sample();
            model.Forward(x);
            for (int b = 0; b < SignOfSumGru.Batch; b++, total++)
                if ((model.Output[b * 2 + 1] > model.Output[b * 2]) == (y[b] == 1)) correct++;
        }
        double accuracy = (double)correct / total;
        output.WriteLine($"accuracy {accuracy:P1} on {total} held-out sequences");
        Assert.True(accuracy > 0.95, $"accuracy {accuracy:P1}");
    }
}
