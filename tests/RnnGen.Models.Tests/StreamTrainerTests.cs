using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;
using RnnGen.Training;

namespace RnnGen.Models.Tests;

/// <summary>Truncated BPTT(k1, k2) over a stream, against direct computations.</summary>
public class StreamTrainerTests
{
    /// <summary>Records each window's gradients and leaves the parameters alone, so windows can be compared.</summary>
    private sealed class RecordingOptimizer : IOptimizer<double>
    {
        public List<double[]> Gradients { get; } = new();

        public void Step(Span<double> parameters, ReadOnlySpan<double> gradients) => Gradients.Add(gradients.ToArray());
    }

    /// <summary>SGD that turns head.bias[0] into NaN with its <c>poisonAt</c>-th update: a divergence that starts mid-pass.</summary>
    private sealed class PoisoningSgd(int poisonAt) : IOptimizer<double>
    {
        private readonly Sgd<double> _sgd = new(0.1);
        private static readonly int HeadBias = StreamLm.Tensors.Single(t => t.Name == "head.bias").Offset;

        public int Updates { get; private set; }

        public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
        {
            _sgd.Step(parameters, gradients);
            if (++Updates == poisonAt) parameters[HeadBias] = double.NaN;
        }
    }

    private static int[] Stream(int length, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextInt(5)).ToArray();
    }

    /// <summary>Inputs and targets of the window at <paramref name="position"/>, time-major [Steps, Batch], lanes of length <paramref name="lane"/>.</summary>
    private static (int[] X, int[] Y) Window(int[] stream, int lane, int position)
    {
        var x = new int[StreamLm.Steps * StreamLm.Batch];
        var y = new int[x.Length];
        for (int t = 0; t < StreamLm.Steps; t++)
            for (int b = 0; b < StreamLm.Batch; b++)
            {
                x[t * StreamLm.Batch + b] = stream[b * lane + position + t];
                y[t * StreamLm.Batch + b] = stream[b * lane + position + t + 1];
            }
        return (x, y);
    }

    [Fact]
    public void With_k1_equal_to_k2_windows_are_consecutive_windows_started_from_the_carried_state()
    {
        int[] stream = Stream(2 * 30, 1); // lanes of 30 tokens: 4 windows of 6 inputs and 6 targets
        var model = new StreamLm(3);
        var recorder = new RecordingOptimizer();
        StreamResult result = new StreamTrainer<double>(model, stride: 6).Train(stream, recorder);
        Assert.Equal(4, result.Windows);

        var reference = new StreamLm(3);
        double totalLoss = 0;
        for (int w = 0; w < 4; w++)
        {
            if (w > 0) reference.FinalState.CopyTo(reference.InitialState);
            (int[] x, int[] y) = Window(stream, 30, 6 * w);
            reference.ZeroGradients();
            reference.Forward(x);
            totalLoss += reference.Loss(y) * StreamLm.Batch; // Loss averages over the batch
            reference.Backward(y);
            Assert.Equal(reference.Gradients.ToArray(), recorder.Gradients[w]);
        }
        Assert.Equal(4 * 6 * 2, result.Tokens);
        // StreamResult sums per-token losses (loss / counted steps × counted tokens): equal up to rounding.
        Assert.Equal(totalLoss / result.Tokens, result.MeanLoss, 1e-12);
    }

    [Fact]
    public void With_k1_below_k2_each_window_matches_a_direct_computation()
    {
        const int k1 = 2, lane = 20;
        int[] stream = Stream(2 * lane, 2);
        var model = new StreamLm(4);
        var recorder = new RecordingOptimizer();
        StreamResult result = new StreamTrainer<double>(model, stride: k1).Train(stream, recorder);
        int windows = (lane - StreamLm.Steps - 1) / k1 + 1;
        Assert.Equal(windows, result.Windows);

        // The state at a window's start, computed independently: step through the stream one token at a time.
        var stepper = new StreamLmStepper();
        model.Parameters.CopyTo(stepper.Parameters);
        stepper.CarryState = true;
        var stateAt = new List<double[]> { new double[StreamLm.StateSize] };
        for (int q = 0; q + StreamLm.Steps + 1 <= lane; q++)
        {
            stepper.Forward(new[] { stream[q], stream[lane + q] });
            stateAt.Add(stepper.FinalState.ToArray()); // state after position q = start of position q + 1
        }

        for (int w = 0; w < windows; w++)
        {
            int position = w * k1;
            var direct = new StreamLm(4);
            stateAt[position].CopyTo(direct.InitialState);
            direct.LossStartStep = w == 0 ? 0 : StreamLm.Steps - k1; // count only the last k1 outputs (all in the first window)
            (int[] x, int[] y) = Window(stream, lane, position);
            direct.Forward(x);
            direct.Backward(y);
            double[] expected = direct.Gradients.ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - recorder.Gradients[w][i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"window {w}, gradient {i}: {expected[i]} vs {recorder.Gradients[w][i]}");
        }
        Assert.Equal((StreamLm.Steps + (windows - 1) * k1) * StreamLm.Batch, result.Tokens);
    }

    [Fact]
    public void Loss_start_step_counts_only_later_outputs()
    {
        var m = new StreamLm(1);
        (int[] x, int[] y) = Window(Stream(40, 3), 20, 0);
        m.Forward(x);
        double all = m.Loss(y);
        m.LossStartStep = 4;
        double last2 = m.Loss(y);
        int[] garbage = (int[])y.Clone();
        for (int i = 0; i < 4 * StreamLm.Batch; i++) garbage[i] = -7; // not read
        Assert.Equal(last2, m.Loss(garbage));
        Assert.True(last2 < all);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.LossStartStep = StreamLm.Steps);
    }

    [Fact]
    public void A_first_window_that_diverges_throws_before_any_update()
    {
        // Logits of ±MaxValue: the cross-entropy of a target against the −MaxValue class overflows.
        var model = new StreamLm(3);
        Span<double> bias = model.Parameter("head.bias");
        bias[0] = double.MaxValue;
        bias[1] = -double.MaxValue;
        double[] before = model.Parameters.ToArray();
        int windows = 0;
        var trainer = new StreamTrainer<double>(model, stride: 6);
        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Train(Stream(2 * 30, 5), new Sgd<double>(0.1), (_, _, _) => windows++));
        Assert.False(double.IsFinite(ex.Loss), $"loss {ex.Loss}");
        Assert.Equal(0, windows);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void The_loss_per_token_is_the_same_under_the_mean_over_tokens()
    {
        // Without weights the mean over tokens is the default loss · lanes / tokens: the trainer must not divide it again.
        int[] stream = Stream(2 * 30, 5);
        var sum = new StreamLm(3);
        var mean = new StreamLm(3);
        mean.LossOptions.Reduction = LossReduction.MeanOverTokens;
        StreamResult a = new StreamTrainer<double>(sum, stride: 2).Evaluate(stream);
        StreamResult b = new StreamTrainer<double>(mean, stride: 2).Evaluate(stream);
        Assert.Equal(a.MeanLoss, b.MeanLoss, 1e-12);
        Assert.InRange(a.MeanLoss, 0.1, 10);
    }

    [Fact]
    public void A_window_whose_update_leaves_a_parameter_non_finite_stops_the_pass_and_names_it()
    {
        var model = new StreamLm(3);
        double[] initial = model.Parameters.ToArray();
        var optimizer = new PoisoningSgd(poisonAt: 2);
        var afterWindow = new List<double[]>();
        // k1 < k2, so a later window counts only its last k1 outputs (LossStartStep 4) and the trainer must restore it.
        var trainer = new StreamTrainer<double>(model, stride: 2);
        int[] stream = Stream(2 * 30, 5); // 12 windows; the second update poisons head.bias[0]
        Assert.Equal(12, trainer.WindowsFor(stream.Length, 2));

        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Train(stream, optimizer, (_, _, _) => afterWindow.Add(model.Parameters.ToArray())));
        Assert.True(ex.ParametersUpdated);
        Assert.Contains("head.bias[0] = NaN", ex.Message);
        Assert.True(double.IsFinite(ex.Loss), $"loss {ex.Loss}"); // caught right after the update, not a window later
        Assert.Single(afterWindow); // no callback for the window whose update diverged, no window after it
        Assert.Equal(2, optimizer.Updates);
        Assert.NotEqual(initial, afterWindow[0]); // the window before it did train
        Assert.Equal(0, model.LossStartStep);
    }

    [Fact]
    public void Trainer_rejects_models_it_cannot_stream_and_short_streams()
    {
        Assert.Throws<ArgumentException>(() => new StreamTrainer<double>(new BiLstmLongOneHot(), 3));
        Assert.Throws<ArgumentException>(() => new StreamTrainer<double>(new LstmManyToOneOneHotSoftmax(), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamTrainer<double>(new StreamLm(), 7));
        var trainer = new StreamTrainer<double>(new StreamLm(), 6);
        Assert.Throws<ArgumentException>(() => trainer.Train(new int[10], new Sgd<double>(0.1)));
        int[] stream = Stream(40, 4);
        stream[17] = 5;
        Assert.Contains("index 17", Assert.Throws<ArgumentException>(() => trainer.Train(stream, new Sgd<double>(0.1))).Message);
    }
}
