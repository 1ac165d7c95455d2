using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>
/// Lanes of different lengths, against their contract (PyTorch's packed sequences): each lane computes exactly what
/// a run over its own real steps computes; padded steps produce 0 and read nothing; the loss sums the real steps and
/// averages over the lanes in use; full lengths are the overloads without lengths, bit for bit; bad lengths are refused
/// before anything changes.
/// </summary>
public class LengthsTests
{
    private static readonly int[] Mixed = { 5, 2, 0, 4 }; // unsorted, with an unused lane and a full one

    public static TheoryData<string> ReferenceCases => new() { "LengthsBiLstmGruTagger", "LengthsBiGruRnnClassifier", "LengthsReluLstmSigmoid", "LengthsLstmRegressor" };

    private static (IRnnModel<double> Model, (ReferenceModel.Cell, int)[] Layers, int[] Bidirectional, ReferenceModel.Head Head, bool ManyToOne) Case(string name) => name switch
    {
        "LengthsBiLstmGruTagger" => (new LengthsBiLstmGruTagger(3), new[] { (ReferenceModel.Cell.Lstm, 4), (ReferenceModel.Cell.Gru, 3) }, new[] { 0 }, ReferenceModel.Head.Linear, false),
        "LengthsBiGruRnnClassifier" => (new LengthsBiGruRnnClassifier(3), new[] { (ReferenceModel.Cell.Gru, 4), (ReferenceModel.Cell.RnnTanh, 3) }, new[] { 0, 1 }, ReferenceModel.Head.Softmax, true),
        "LengthsReluLstmSigmoid" => (new LengthsReluLstmSigmoid(3), new[] { (ReferenceModel.Cell.RnnRelu, 4), (ReferenceModel.Cell.Lstm, 3) }, new[] { 1 }, ReferenceModel.Head.Sigmoid, false),
        "LengthsLstmRegressor" => (new LengthsLstmRegressor(3), new[] { (ReferenceModel.Cell.Lstm, 4), (ReferenceModel.Cell.Lstm, 3) }, Array.Empty<int>(), ReferenceModel.Head.Linear, true),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Each_lane_computes_what_a_run_over_its_own_real_steps_computes(string name)
    {
        var (model, layers, bidirectional, head, manyToOne) = Case(name);
        var driver = new ModelDriver<double>(model, 21).WithLengths(Mixed);
        driver.Forward();
        var reference = new ReferenceModel(n => model.Tensors.Single(t => t.Name == n) is var tensor ? model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray() : null!, bidirectional);
        int batch = model.Batch, width = model.InputSize, outputSize = model.OutputSize;
        double[] output = model.Output.ToArray(), final = model.FinalState.ToArray();
        var hiddens = layers.Select(l => l.Item2).ToArray();
        for (int b = 0; b < batch; b++)
        {
            int length = Mixed[b];
            int outputSteps = manyToOne ? 1 : model.Steps;
            if (length == 0)
            {
                for (int t = 0; t < outputSteps; t++)
                    Assert.All(output.AsSpan((t * batch + b) * outputSize, outputSize).ToArray(), v => Assert.Equal(0.0, v));
                continue;
            }
            var x = new double[length][][];
            for (int t = 0; t < length; t++) x[t] = new[] { driver.Inputs.AsSpan((t * batch + b) * width, width).ToArray() };
            var (expected, finalH, finalC) = reference.Run(x, layers, head, manyToOne);
            for (int t = 0; t < outputSteps; t++)
            {
                double[] actual = output.AsSpan((t * batch + b) * outputSize, outputSize).ToArray();
                if (!manyToOne && t >= length) Assert.All(actual, v => Assert.Equal(0.0, v)); // no output at a padded step
                else AssertClose(expected.AsSpan(t * outputSize, outputSize).ToArray(), actual, 1e-12, $"{name} lane {b} step {t}");
            }
            // FinalState: every h (per layer, forward then reverse), then every c, each [Batch, H].
            int offset = 0, hIndex = 0;
            for (int k = 0; k < layers.Length; k++)
                for (int d = 0; d < (bidirectional.Contains(k) ? 2 : 1); d++, hIndex++)
                {
                    AssertClose(finalH[hIndex], final.AsSpan(offset + b * hiddens[k], hiddens[k]).ToArray(), 1e-12, $"{name} lane {b} h of layer {k} direction {d}");
                    offset += batch * hiddens[k];
                }
            int cIndex = 0;
            for (int k = 0; k < layers.Length; k++)
            {
                if (layers[k].Item1 != ReferenceModel.Cell.Lstm) continue;
                for (int d = 0; d < (bidirectional.Contains(k) ? 2 : 1); d++, cIndex++)
                {
                    AssertClose(finalC[cIndex], final.AsSpan(offset + b * hiddens[k], hiddens[k]).ToArray(), 1e-12, $"{name} lane {b} c of layer {k} direction {d}");
                    offset += batch * hiddens[k];
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Loss_sums_the_real_steps_and_averages_over_the_lanes_in_use(string name)
    {
        var (model, _, _, head, manyToOne) = Case(name);
        var driver = new ModelDriver<double>(model, 22).WithLengths(Mixed);
        double loss = driver.ForwardLoss();
        int batch = model.Batch, c = model.OutputSize, outputSteps = manyToOne ? 1 : model.Steps;
        double sum = 0;
        for (int t = 0; t < outputSteps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                if (t >= Mixed[b]) continue;
                ReadOnlySpan<double> y = model.Output.Slice((t * batch + b) * c, c);
                if (head == ReferenceModel.Head.Softmax) { sum -= Math.Log(y[driver.ClassTargets![t * batch + b]]); continue; }
                for (int j = 0; j < c; j++)
                {
                    double target = driver.ValueTargets![(t * batch + b) * c + j];
                    sum += head == ReferenceModel.Head.Linear ? (y[j] - target) * (y[j] - target) : -(target * Math.Log(y[j]) + (1 - target) * Math.Log(1 - y[j]));
                }
            }
        }
        int used = Mixed.Count(l => l > 0);
        Assert.Equal(sum / used, loss, 1e-12);
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Full_lengths_are_the_pass_without_lengths_bit_for_bit(string name)
    {
        var (a, _, _, _, _) = Case(name);
        var (b, _, _, _, _) = Case(name);
        var plain = new ModelDriver<double>(a, 23);
        var full = new ModelDriver<double>(b, 23).WithLengths(Enumerable.Repeat(b.Steps, b.Batch).ToArray());
        Assert.Equal(plain.ForwardLoss(), full.ForwardLoss());
        plain.Backward();
        full.Backward();
        Assert.Equal(a.Output.ToArray(), b.Output.ToArray());
        Assert.Equal(a.FinalState.ToArray(), b.FinalState.ToArray());
        Assert.Equal(a.Gradients.ToArray(), b.Gradients.ToArray());
        var adamA = new Adam<double>(1e-2);
        var adamB = new Adam<double>(1e-2);
        for (int i = 0; i < 3; i++) Assert.Equal(plain.TrainStep(adamA, 1.0), full.TrainStep(adamB, 1.0));
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
    }

    [Fact]
    public void An_unused_lane_keeps_its_initial_state_and_the_others_are_not_disturbed_by_it()
    {
        var model = new LengthsLstmRegressor(4);
        var random = new Xoshiro256StarStar(9);
        for (int i = 0; i < model.InitialState.Length; i++) model.InitialState[i] = random.NextUniform(-1, 1);
        var driver = new ModelDriver<double>(model, 24).WithLengths(new[] { 3, 0, 5, 1 });
        driver.Forward();
        // Lane 1 took no step: each of its state rows is its initial row.
        int offset = 0;
        foreach (int h in new[] { 4, 3, 4, 3 })
        {
            Assert.Equal(model.InitialState.Slice(offset + h, h).ToArray(), model.FinalState.Slice(offset + h, h).ToArray());
            offset += LengthsLstmRegressor.Batch * h;
        }
    }

    [Fact]
    public void A_many_to_one_lane_gives_what_Step_gives_after_its_real_tokens()
    {
        var model = new LengthsTokenClassifier(5);
        var random = new Xoshiro256StarStar(31);
        int[] lengths = { 12, 3, 0, 7, 1 };
        var tokens = new int[LengthsTokenClassifier.Steps * LengthsTokenClassifier.Batch];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = random.NextInt(7);
        model.Forward(tokens, lengths);
        float[] output = model.Output.ToArray();
        model.ResetStepState();
        for (int b = 0; b < LengthsTokenClassifier.Batch; b++)
        {
            if (lengths[b] == 0) { Assert.All(output.AsSpan(b * 3, 3).ToArray(), v => Assert.Equal(0f, v)); continue; }
            float[] stepped = Array.Empty<float>();
            for (int t = 0; t < lengths[b]; t++) stepped = model.Step(tokens[t * LengthsTokenClassifier.Batch + b], b).ToArray();
            for (int j = 0; j < 3; j++) Assert.Equal(stepped[j], output[b * 3 + j], 5e-6f);
        }
    }

    [Fact]
    public void ResetStepState_of_one_lane_restarts_that_lane_only()
    {
        var model = new LengthsTokenClassifier(5);
        model.ResetStepState();
        model.Step(1, 0); model.Step(2, 0);
        model.Step(3, 1); model.Step(4, 1);
        float[] lane1Before = model.Step(5, 1).ToArray();
        model.ResetStepState(0);
        // Lane 0 starts afresh: the same as lane 2, which never stepped, after the same token.
        float[] lane0 = model.Step(6, 0).ToArray();
        float[] lane2 = model.Step(6, 2).ToArray();
        Assert.Equal(lane2, lane0);
        // Lane 1 went on from where it was: stepping it again differs from a fresh lane.
        float[] lane1 = model.Step(6, 1).ToArray();
        Assert.NotEqual(lane2, lane1);
        Assert.NotEqual(lane1Before, lane1);
        Assert.Throws<ArgumentOutOfRangeException>("lane", () => model.ResetStepState(5));
    }

    [Fact]
    public void Lanes_of_a_long_sequence_do_not_depend_on_the_other_lanes()
    {
        // 40 steps: the middle blocks run through the shared block method with lengths.
        var random = new Xoshiro256StarStar(41);
        var tokens = new int[40 * 6];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = random.NextInt(9);
        int[] lengths = { 17, 40, 0, 33, 1, 25 };
        var batched = new LengthsLongTagger(2);
        batched.Forward(tokens, lengths);
        for (int b = 0; b < 6; b++)
        {
            var alone = new LengthsLongTagger(2);
            int[] one = new int[6];
            one[b] = lengths[b];
            if (lengths[b] == 0) continue;
            alone.Forward(tokens, one);
            for (int t = 0; t < 40; t++)
                for (int j = 0; j < 9; j++)
                    Assert.Equal(alone.Output[(t * 6 + b) * 9 + j], batched.Output[(t * 6 + b) * 9 + j], 1e-6f);
        }
    }

    [Theory]
    [InlineData(new[] { 5, 2, 0 }, "Expected 4 lengths")]
    [InlineData(new[] { 5, -1, 0, 4 }, "Length -1 of lane 1")]
    [InlineData(new[] { 5, 2, 6, 4 }, "Length 6 of lane 2 is outside [0, 5]")]
    [InlineData(new[] { 0, 0, 0, 0 }, "Every lane has length 0")]
    public void Bad_lengths_are_refused_before_anything_changes(int[] lengths, string message)
    {
        var model = new LengthsBiLstmGruTagger(3);
        var driver = new ModelDriver<double>(model, 25).WithLengths(Mixed);
        driver.ForwardLoss();
        double[] output = model.Output.ToArray(), final = model.FinalState.ToArray(), parameters = model.Parameters.ToArray();
        int[] before = model.Lengths.ToArray();
        var e = Assert.Throws<ArgumentException>(() => model.Forward(driver.Inputs, lengths));
        Assert.Equal("lengths", e.ParamName);
        Assert.Contains(message, e.Message);
        e = Assert.Throws<ArgumentException>(() => model.TrainStep(driver.Inputs, driver.ValueTargets, lengths, new Sgd<double>(0.1)));
        Assert.Equal("lengths", e.ParamName);
        Assert.Equal(output, model.Output.ToArray());
        Assert.Equal(final, model.FinalState.ToArray());
        Assert.Equal(parameters, model.Parameters.ToArray());
        Assert.Equal(before, model.Lengths.ToArray());
        // The pass those lengths refused did not start: Backward still has the activations of the last good one.
        model.Backward(driver.ValueTargets);
    }

    [Fact]
    public void Ids_are_checked_at_real_steps_only()
    {
        var model = new LengthsTokenClassifier(5);
        int[] lengths = { 12, 3, 0, 7, 1 };
        var tokens = new int[LengthsTokenClassifier.Steps * LengthsTokenClassifier.Batch];
        // Padded positions hold ids far out of range: allowed, never read.
        for (int t = 0; t < LengthsTokenClassifier.Steps; t++)
            for (int b = 0; b < LengthsTokenClassifier.Batch; b++)
                tokens[t * LengthsTokenClassifier.Batch + b] = t < lengths[b] ? (t + b) % 7 : 99;
        int[] targets = { 0, 2, 77, 1, 2 }; // lane 2 is unused: its target is not read
        float loss = model.TrainStep(tokens, targets, lengths, new Sgd<float>(0.1f));
        Assert.True(float.IsFinite(loss));
        tokens[2 * LengthsTokenClassifier.Batch + 1] = 7; // step 2 of lane 1 (length 3) is real
        var e = Assert.Throws<ArgumentException>(() => model.Forward(tokens, lengths));
        Assert.Equal("tokens", e.ParamName);
        Assert.Contains("step 2, lane 1", e.Message);
        targets[3] = 3; // lane 3 is in use
        e = Assert.Throws<ArgumentException>(() => model.Loss(targets));
        Assert.Contains("lane 3", e.Message);
    }

    [Fact]
    public void Lengths_reports_the_last_pass()
    {
        var model = new LengthsTokenClassifier(5);
        var tokens = new int[LengthsTokenClassifier.Steps * LengthsTokenClassifier.Batch];
        model.Forward(tokens, new[] { 1, 2, 3, 0, 12 });
        Assert.Equal(new[] { 1, 2, 3, 0, 12 }, model.Lengths.ToArray());
        model.Forward(tokens);
        Assert.Equal(Enumerable.Repeat(12, 5).ToArray(), model.Lengths.ToArray());
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"{where}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
