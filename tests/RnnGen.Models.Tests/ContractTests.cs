using System.Diagnostics;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>The generated API (README: "What a model class gets"): constants, PyTorch tensor names and shapes, initialization, validation.</summary>
public class ContractTests
{
    [Fact]
    public void Tensors_have_pytorch_names_shapes_and_contiguous_offsets()
    {
        var expected = new (string Name, int[] Shape)[]
        {
            ("embedding.weight", new[] { 10, 6 }),
            ("rnn.weight_ih_l0", new[] { 64, 6 }), ("rnn.weight_hh_l0", new[] { 64, 16 }), ("rnn.bias_ih_l0", new[] { 64 }), ("rnn.bias_hh_l0", new[] { 64 }),
            ("rnn.weight_ih_l1", new[] { 48, 16 }), ("rnn.weight_hh_l1", new[] { 48, 12 }), ("rnn.bias_ih_l1", new[] { 48 }), ("rnn.bias_hh_l1", new[] { 48 }),
            ("head.weight", new[] { 10, 12 }), ("head.bias", new[] { 10 }),
        };
        Assert.Equal(expected.Select(e => e.Name), EmbeddingLstmLm.Tensors.Select(t => t.Name));
        int offset = 0;
        foreach (((string _, int[] shape), TensorInfo tensor) in expected.Zip(EmbeddingLstmLm.Tensors))
        {
            Assert.Equal(shape, tensor.Shape);
            Assert.Equal(offset, tensor.Offset);
            offset += tensor.Length;
        }
        // PyTorch: nn.Embedding(10, 6) + nn.LSTM(6, 16) + nn.LSTM(16, 12) + nn.Linear(12, 10).
        int pytorch = 10 * 6 + 4 * 16 * (6 + 16 + 2) + 4 * 12 * (16 + 12 + 2) + 10 * 12 + 10;
        Assert.Equal(EmbeddingLstmLm.ParameterCount, pytorch);
        Assert.Equal(EmbeddingLstmLm.ParameterCount, offset);
    }

    [Fact]
    public void Constants_describe_the_declaration()
    {
        Assert.Equal((32, 16, 65, 32, 65), (CharLstm.Steps, CharLstm.Batch, CharLstm.InputSize, CharLstm.OutputSteps, CharLstm.OutputSize));
        Assert.Equal((16, 8, 5, 1, 3), (VectorGruTagger.Steps, VectorGruTagger.Batch, VectorGruTagger.InputSize, VectorGruTagger.OutputSteps, VectorGruTagger.OutputSize));
        IRnnModel<float> model = new VectorGruTagger();
        Assert.Equal(VectorGruTagger.Steps, model.Steps);
        Assert.Equal(VectorGruTagger.ParameterCount, model.Parameters.Length);
        Assert.Equal(model.Parameters.Length, model.Gradients.Length);
        Assert.Equal(VectorGruTagger.OutputSteps * VectorGruTagger.Batch * VectorGruTagger.OutputSize, model.Output.Length);
        Assert.Same(VectorGruTagger.Tensors, model.Tensors);
    }

    [Fact]
    public void Parameter_and_Gradient_views_alias_the_flat_buffers()
    {
        var m = new EmbeddingLstmLm();
        TensorInfo t = EmbeddingLstmLm.Tensors.Single(x => x.Name == "rnn.weight_hh_l1");
        m.Parameter("rnn.weight_hh_l1")[3] = 42f;
        Assert.Equal(42f, m.Parameters[t.Offset + 3]);
        m.Gradients[t.Offset + 5] = 7f;
        Assert.Equal(7f, m.Gradient("rnn.weight_hh_l1")[5]);
        var ex = Assert.Throws<ArgumentException>(() => m.Parameter("rnn.weight_hh_l7"));
        Assert.Contains("rnn.weight_hh_l7", ex.Message);
        Assert.Contains("rnn.weight_hh_l1", ex.Message);
    }

    [Fact]
    public void Initialization_follows_pytorch_distributions_and_is_deterministic()
    {
        // nn.LSTM: U(−1/√H, 1/√H) with the layer's own H; nn.Linear: U(−1/√in, 1/√in); nn.Embedding: N(0, 1).
        var small = new EmbeddingLstmLm(seed: 1);
        foreach (TensorInfo t in EmbeddingLstmLm.Tensors.Where(t => !t.Name.StartsWith("embedding")))
        {
            double bound = t.Name.EndsWith("l0") ? 1 / Math.Sqrt(16) : 1 / Math.Sqrt(12);
            float[] v = small.Parameter(t.Name).ToArray();
            Assert.All(v, x => Assert.InRange(Math.Abs(x), 0, bound));
            Assert.Contains(v, x => Math.Abs(x) > 0.5 * bound);
        }
        float[] emb = small.Parameter("embedding.weight").ToArray();
        Assert.Contains(emb, x => Math.Abs(x) > 1.0);

        // Moments of a large tensor: U(−b, b) has mean 0 and standard deviation b/√3.
        var m = new CharLstm(seed: 1);
        double b = 1 / Math.Sqrt(128);
        float[] w = m.Parameter("rnn.weight_hh_l1").ToArray();
        double mean = w.Average(x => (double)x), sd = Math.Sqrt(w.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, -0.02 * b, 0.02 * b);
        Assert.InRange(sd, 0.98 * b / Math.Sqrt(3), 1.02 * b / Math.Sqrt(3));

        Assert.Equal(new CharLstm(seed: 1).Parameters.ToArray(), m.Parameters.ToArray());
        Assert.NotEqual(new CharLstm(seed: 2).Parameters.ToArray(), m.Parameters.ToArray());
    }

    [Fact]
    public void Wrong_inputs_throw_naming_the_argument_and_change_nothing()
    {
        var m = new EmbeddingLstmLm(3);
        var driver = new ModelDriver<float>(m, 4);
        driver.Forward();
        float[] output = m.Output.ToArray();
        float[] state = m.FinalState.ToArray();

        var shortInput = Assert.Throws<ArgumentException>(() => m.Forward(new int[7]));
        Assert.Equal("tokens", shortInput.ParamName);
        Assert.Contains("32", shortInput.Message);
        int[] bad = (int[])driver.Tokens!.Clone();
        bad[9] = 10;
        var outOfRange = Assert.Throws<ArgumentException>(() => m.Forward(bad));
        Assert.Equal("tokens", outOfRange.ParamName);
        Assert.Contains("index 9", outOfRange.Message);
        bad[9] = -1;
        Assert.Throws<ArgumentException>(() => m.Forward(bad));
        int[] badTargets = (int[])driver.ClassTargets!.Clone();
        badTargets[0] = 99;
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => m.Loss(badTargets)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => m.Backward(badTargets)).ParamName);
        Assert.Throws<ArgumentException>(() => m.TrainStep(driver.Tokens, badTargets, new Sgd<float>(0.1f)));

        Assert.Equal(output, m.Output.ToArray());
        Assert.Equal(state, m.FinalState.ToArray());
        Assert.All(m.Gradients.ToArray(), g => Assert.Equal(0f, g));
        driver.Backward(); // the activations of the last good forward pass are intact
    }

    [Fact]
    public void Value_targets_are_validated()
    {
        var sigmoid = new VectorGruTagger();
        var d = new ModelDriver<float>(sigmoid, 1);
        d.Forward();
        float[] t = (float[])d.ValueTargets!.Clone();
        t[2] = 1.5f;
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentException>(() => sigmoid.Loss(t)).Message);
        var linear = new VectorRnnRegression();
        var dl = new ModelDriver<float>(linear, 1);
        dl.Forward();
        float[] u = (float[])dl.ValueTargets!.Clone();
        u[0] = float.NaN;
        Assert.Contains("not finite", Assert.Throws<ArgumentException>(() => linear.Backward(u)).Message);
        Assert.Throws<ArgumentException>(() => linear.Forward(new float[3]));
    }

    [Fact]
    public void Non_finite_vector_inputs_throw_naming_the_argument_and_the_index_and_change_nothing()
    {
        var m = new VectorRnnRegression();
        var d = new ModelDriver<float>(m, 1);
        d.Forward();
        float[] output = m.Output.ToArray();
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            float[] inputs = (float[])d.Inputs!.Clone();
            inputs[5] = bad;
            var ex = Assert.Throws<ArgumentException>(() => m.Forward(inputs));
            Assert.Equal("inputs", ex.ParamName);
            Assert.Contains("index 5 is not finite", ex.Message);
            Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => m.TrainStep(inputs, d.ValueTargets!, new Sgd<float>(0.1f))).ParamName);
            Assert.Equal("input", Assert.Throws<ArgumentException>(() => m.Step(inputs.AsSpan(5, VectorRnnRegression.InputSize))).ParamName);
        }
        Assert.Equal(output, m.Output.ToArray());
        d.Backward(); // the activations of the last good forward pass are intact
    }

    [Fact]
    public void Causal_models_are_step_models_and_others_are_not()
    {
        Assert.IsAssignableFrom<ITokenStepModel<float>>(new EmbeddingLstmLm(1));
        Assert.IsAssignableFrom<IVectorStepModel<float>>(new VectorGruTagger(1));
        Assert.False(new OnnxBiLstmRegressor(1) is IStepModel<float>, "a bidirectional model cannot step");
    }

    /// <summary>An optimizer whose update poisons one parameter, as an overflowing update would.</summary>
    private sealed class PoisoningOptimizer(int index) : IOptimizer<float>
    {
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => parameters[index] = float.PositiveInfinity;
    }

    [Fact]
    public void An_update_that_leaves_parameters_non_finite_throws_naming_the_tensor_and_the_index()
    {
        var m = new EmbeddingLstmLm(3);
        var d = new ModelDriver<float>(m, 4);
        TensorInfo tensor = EmbeddingLstmLm.Tensors[2];
        var ex = Assert.Throws<TrainingDivergedException>(() => m.TrainStep(d.Tokens!, d.ClassTargets!, new PoisoningOptimizer(tensor.Offset + 5)));
        Assert.True(ex.ParametersUpdated);
        Assert.Contains($"{tensor.Name}[5] = Infinity", ex.Message);
        Assert.Contains("reload the last checkpoint", ex.Message);

        // A finite update passes.
        Assert.True(float.IsFinite(new EmbeddingLstmLm(3).TrainStep(d.Tokens!, d.ClassTargets!, new Sgd<float>(0.1f))));
    }

    /// <summary>An optimizer that calls back into the model it is stepping: a second call while TrainStep runs.</summary>
    private sealed class ReentrantOptimizer(Action call) : IOptimizer<float>
    {
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => call();
    }

    [Fact]
    public void A_call_made_while_another_runs_is_refused_and_the_model_stays_usable()
    {
        var m = new EmbeddingLstmLm(3);
        var d = new ModelDriver<float>(m, 4);
        float[] parameters = m.Parameters.ToArray();
        var ex = Assert.Throws<InvalidOperationException>(() => m.TrainStep(d.Tokens!, d.ClassTargets!, new ReentrantOptimizer(() => m.Forward(d.Tokens!))));
        Assert.Contains("one instance per thread", ex.Message);
        Assert.Equal(parameters, m.Parameters.ToArray()); // the optimizer never got to update anything
        Assert.Throws<InvalidOperationException>(() => m.TrainStep(d.Tokens!, d.ClassTargets!, new ReentrantOptimizer(() => m.Step(1))));
        // Members that change what a running call uses are refused too: the workers, the gradients, the step state.
        Assert.Throws<InvalidOperationException>(() => m.TrainStep(d.Tokens!, d.ClassTargets!, new ReentrantOptimizer(() => m.Threads = 2)));
        Assert.Throws<InvalidOperationException>(() => m.TrainStep(d.Tokens!, d.ClassTargets!, new ReentrantOptimizer(m.ZeroGradients)));
        Assert.Throws<InvalidOperationException>(() => m.TrainStep(d.Tokens!, d.ClassTargets!, new ReentrantOptimizer(m.ResetStepState)));
        Assert.Contains("Dispose", Assert.Throws<InvalidOperationException>(() => m.TrainStep(d.Tokens!, d.ClassTargets!, new ReentrantOptimizer(m.Dispose))).Message);
        Assert.Equal(1, m.Threads);

        // The flag is released however the call ended: the model works, and gives what a fresh one gives.
        d.Forward();
        var fresh = new EmbeddingLstmLm(3);
        fresh.Forward(d.Tokens!);
        Assert.Equal(fresh.Output.ToArray(), m.Output.ToArray());
    }

    [Fact]
    public async Task Two_threads_on_one_instance_get_an_exception_instead_of_corrupted_results()
    {
        var m = new CharLstm(1);
        var d = new ModelDriver<float>(m, 2);
        var reference = new CharLstm(1);
        reference.Forward(d.Tokens!);
        float[] expected = reference.Output.ToArray();
        int refused = 0, wrong = 0;
        var stop = Stopwatch.StartNew();
        void Run()
        {
            // Each thread keeps calling until both have seen a refusal, or 20 s pass (a second core is not guaranteed).
            while (Volatile.Read(ref refused) < 2 && stop.Elapsed < TimeSpan.FromSeconds(20))
            {
                try
                {
                    m.Forward(d.Tokens!);
                    if (!m.Output.SequenceEqual(expected)) Interlocked.Increment(ref wrong);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }
        await Task.WhenAll(Task.Run(Run), Task.Run(Run));
        Assert.True(refused > 0, "no call was refused in 20 s of two threads calling Forward on one instance");
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Passes_out_of_order_throw()
    {
        var m = new VectorRnnRegression();
        var d = new ModelDriver<float>(m, 1);
        Assert.Contains("Forward", Assert.Throws<InvalidOperationException>(() => d.Loss()).Message);
        Assert.Throws<InvalidOperationException>(d.Backward);
        d.Forward();
        d.Backward();
        Assert.Contains("Forward again", Assert.Throws<InvalidOperationException>(d.Backward).Message);
        d.Loss(); // loss of the last forward pass stays available
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(d.Forward);
    }

    [Fact]
    public void Backward_accumulates_into_gradients()
    {
        var m = new VectorRnnRegression(2);
        var d = new ModelDriver<float>(m, 5);
        d.ForwardBackward();
        float[] once = m.Gradients.ToArray();
        d.ForwardBackward();
        float[] twice = m.Gradients.ToArray();
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 1e-5f);
        m.ZeroGradients();
        Assert.All(m.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Initial_state_feeds_the_first_step_and_carry_state_continues_a_stream()
    {
        var m = new VectorRnnRegression(4);
        var d = new ModelDriver<float>(m, 6);
        d.Forward();
        float[] fromZero = m.Output.ToArray();
        m.InitialState.Fill(0.5f);
        d.Forward();
        Assert.NotEqual(fromZero, m.Output.ToArray());

        // Two halves with CarryState equal one pass that starts from the first half's final state.
        m.InitialState.Clear();
        m.CarryState = true;
        d.Forward();
        float[] firstFinal = m.FinalState.ToArray();
        d.Forward();
        float[] carried = m.Output.ToArray();
        var fresh = new VectorRnnRegression(4);
        firstFinal.CopyTo(fresh.InitialState);
        fresh.Forward(d.Inputs);
        Assert.Equal(fresh.Output.ToArray(), carried);
    }

    [Fact]
    public void TrainStep_equals_the_manual_sequence_with_sgd()
    {
        var a = new EmbeddingLstmLm(9);
        var b = new EmbeddingLstmLm(9);
        var d = new ModelDriver<float>(a, 2);
        float loss = a.TrainStep(d.Tokens, d.ClassTargets, new Sgd<float>(0.1f));

        b.ZeroGradients();
        b.Forward(d.Tokens);
        float expectedLoss = b.Loss(d.ClassTargets);
        b.Backward(d.ClassTargets);
        new Sgd<float>(0.1f).Step(b.Parameters, b.Gradients);
        Assert.Equal(expectedLoss, loss);
        Assert.Equal(b.Parameters.ToArray(), a.Parameters.ToArray());
    }

    [Fact]
    public void TrainStep_clips_by_global_norm()
    {
        var a = new VectorRnnRegression(1);
        var d = new ModelDriver<float>(a, 2);
        float[] before = a.Parameters.ToArray();
        a.TrainStep(d.Inputs, d.ValueTargets, new Sgd<float>(1f), clipNorm: 1e-3f);
        double moved = Math.Sqrt(before.Zip(a.Parameters.ToArray(), (x, y) => (double)(x - y) * (x - y)).Sum());
        Assert.InRange(moved, 0.9e-3, 1.0001e-3); // lr 1 × a gradient clipped to norm 1e-3
    }

    [Fact]
    public void TrainStep_refuses_a_non_finite_loss_and_keeps_the_parameters()
    {
        var m = new VectorRnnRegression(1);
        var d = new ModelDriver<float>(m, 2);
        m.Parameter("head.bias")[0] = float.MaxValue; // (y − t)² overflows
        float[] before = m.Parameters.ToArray();
        var ex = Assert.Throws<TrainingDivergedException>(() => m.TrainStep(d.Inputs, d.ValueTargets, new Sgd<float>(0.1f)));
        Assert.Equal(double.PositiveInfinity, ex.Loss);
        // The message carries both values and what to do about them.
        Assert.Contains($"loss = {ex.Loss}, gradient norm = {ex.GradientNorm}.", ex.Message);
        Assert.Contains("The parameters were not updated", ex.Message);
        Assert.Contains("lower the learning rate or clip the gradients (clipNorm)", ex.Message);
        Assert.Equal(before, m.Parameters.ToArray());
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)] // clipping cannot rescue a gradient that is not finite: it scales nothing
    public void TrainStep_refuses_a_non_finite_gradient_under_a_finite_loss_and_keeps_the_parameters(float clipNorm)
    {
        // A silent recurrent layer (all weights and biases zero: h = tanh(0) = 0 exactly) lets a huge head weight leave the
        // output, hence the loss, finite (MaxValue · 0 = 0), while backpropagation multiplies it by dL/dy: ∂L/∂h overflows,
        // and Inf · (h_prev = 0) makes NaN in the recurrent gradients.
        var m = new VectorRnnRegression(1);
        var d = new ModelDriver<float>(m, 2);
        foreach (string name in new[] { "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0" }) m.Parameter(name).Clear();
        m.Parameter("head.weight")[0] = float.MaxValue;
        m.Parameter("head.bias")[0] = 1000f; // y − t ≈ 1000: |dL/dy| > 1, so MaxValue · dL/dy overflows
        float[] before = m.Parameters.ToArray();
        d.Forward();
        float expectedLoss = d.Loss();
        Assert.True(float.IsFinite(expectedLoss), $"loss {expectedLoss}: the case must keep the loss finite");

        var ex = Assert.Throws<TrainingDivergedException>(() => m.TrainStep(d.Inputs, d.ValueTargets, new Sgd<float>(0.1f), clipNorm));
        Assert.Equal(expectedLoss, (float)ex.Loss);
        Assert.False(double.IsFinite(ex.GradientNorm), $"gradient norm {ex.GradientNorm}");
        Assert.Contains($"loss = {ex.Loss}, gradient norm = {ex.GradientNorm}.", ex.Message);
        Assert.Equal(before, m.Parameters.ToArray());
    }
}
