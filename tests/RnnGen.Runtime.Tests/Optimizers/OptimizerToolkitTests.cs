namespace RnnGen.Runtime.Tests.Optimizers;

/// <summary>
/// Weight decay, Nesterov momentum, AdamW, Adagrad, RMSprop and learning-rate schedules against updates computed by
/// hand from PyTorch's documented algorithms (two steps each, so state carried between steps is checked too).
/// </summary>
public class OptimizerToolkitTests
{
    private static double[] Run(IOptimizer<double> optimizer, double[] theta, params double[][] gradients)
    {
        foreach (double[] g in gradients) optimizer.Step(theta, g);
        return theta;
    }

    private static void Near(double expected, double actual) => Assert.Equal(expected, actual, 1e-12);

    [Fact]
    public void Sgd_weight_decay_adds_lambda_theta_to_the_gradient()
    {
        // d = g + 0.1·θ = [0.5 + 0.1, 0.5 − 0.2]; θ −= 0.1·d
        double[] theta = Run(new Sgd<double>(0.1, weightDecay: 0.1), new[] { 1.0, -2.0 }, new[] { 0.5, 0.5 });
        Near(0.94, theta[0]);
        Near(-2.03, theta[1]);
    }

    [Fact]
    public void Nesterov_looks_ahead_along_the_velocity()
    {
        // Step 1: v = 1, d = 1 + 0.9·1 = 1.9. Step 2: v = 0.9 + 1 = 1.9, d = 1 + 0.9·1.9 = 2.71.
        double[] theta = Run(new Sgd<double>(0.1, momentum: 0.9, nesterov: true), new[] { 0.0 }, new[] { 1.0 }, new[] { 1.0 });
        Near(-0.19 - 0.271, theta[0]);
        Assert.Throws<ArgumentException>(() => new Sgd<double>(0.1, nesterov: true));
    }

    [Fact]
    public void Adam_with_weight_decay_uses_the_decayed_gradient()
    {
        // g' = 0 + 0.5·1 = 0.5; the first Adam step moves by lr·sign(g') (up to ε): θ = 1 − 0.1.
        double[] theta = Run(new Adam<double>(0.1, weightDecay: 0.5), new[] { 1.0 }, new[] { 0.0 });
        Assert.Equal(0.9, theta[0], 1e-6);
    }

    [Fact]
    public void AdamW_shrinks_the_parameters_apart_from_the_gradient()
    {
        // θ ← θ·(1 − 0.1·0.5) = 0.95; a zero gradient leaves the Adam part at zero.
        double[] theta = Run(new AdamW<double>(0.1, weightDecay: 0.5), new[] { 1.0 }, new[] { 0.0 });
        Near(0.95, theta[0]);
        // Step 2: another shrink, then m = 0.1·1·(1−0.9)... with g = 1: the Adam step is lr·m̂/(√v̂+ε).
        var adamw = new AdamW<double>(0.1, weightDecay: 0.5);
        double[] t2 = Run(adamw, new[] { 1.0 }, new[] { 0.0 }, new[] { 1.0 });
        double m = 0.1, v = 0.001, mHat = m / (1 - 0.81), vHat = v / (1 - 0.998001);
        Near(0.95 * 0.95 - 0.1 * mHat / (Math.Sqrt(vHat) + 1e-8), t2[0]);
    }

    [Fact]
    public void Adagrad_divides_by_the_root_of_the_summed_squares()
    {
        double[] theta = Run(new Adagrad<double>(0.1), new[] { 0.0 }, new[] { 2.0 }, new[] { 2.0 });
        Near(-0.1 * 2 / (2 + 1e-10) - 0.1 * 2 / (Math.Sqrt(8) + 1e-10), theta[0]);
        // lr_decay = 1: the second step uses lr / 2.
        double[] decayed = Run(new Adagrad<double>(0.1, learningRateDecay: 1), new[] { 0.0 }, new[] { 2.0 }, new[] { 2.0 });
        Near(-0.1 * 2 / (2 + 1e-10) - 0.05 * 2 / (Math.Sqrt(8) + 1e-10), decayed[0]);
        // An initial accumulator of 5 joins the first sum.
        double[] seeded = Run(new Adagrad<double>(0.1, initialAccumulator: 5), new[] { 0.0 }, new[] { 2.0 });
        Near(-0.1 * 2 / (3 + 1e-10), seeded[0]);
    }

    [Fact]
    public void RmsProp_plain_centered_and_with_momentum()
    {
        double s1 = 0.01, s2 = 0.99 * 0.01 + 0.01;
        double[] plain = Run(new RmsProp<double>(0.01), new[] { 0.0 }, new[] { 1.0 }, new[] { 1.0 });
        Near(-0.01 / (Math.Sqrt(s1) + 1e-8) - 0.01 / (Math.Sqrt(s2) + 1e-8), plain[0]);

        double[] centered = Run(new RmsProp<double>(0.01, centered: true), new[] { 0.0 }, new[] { 1.0 });
        Near(-0.01 / (Math.Sqrt(0.01 - 0.0001) + 1e-8), centered[0]);

        double b1 = 1 / (Math.Sqrt(s1) + 1e-8), b2 = 0.9 * b1 + 1 / (Math.Sqrt(s2) + 1e-8);
        double[] momentum = Run(new RmsProp<double>(0.01, momentum: 0.9), new[] { 0.0 }, new[] { 1.0 }, new[] { 1.0 });
        Near(-0.01 * b1 - 0.01 * b2, momentum[0]);
    }

    [Fact]
    public void Schedules_set_the_learning_rate_of_each_step()
    {
        ILearningRateSchedule step = LearningRateSchedule.StepDecay(1, 0.5, every: 2);
        Assert.Equal(new[] { 1.0, 1.0, 0.5, 0.5, 0.25 }, Enumerable.Range(1, 5).Select(s => step.LearningRate(s)));
        ILearningRateSchedule cosine = LearningRateSchedule.WarmupCosine(1, 0, totalSteps: 10, warmupSteps: 2);
        Near(0.5, cosine.LearningRate(1));
        Near(1.0, cosine.LearningRate(2));
        Near(0.5, cosine.LearningRate(6));
        Near(0.0, cosine.LearningRate(10));
        Near(0.25, LearningRateSchedule.Exponential(1, 0.5).LearningRate(3));

        var sgd = new Sgd<double>(123) { Schedule = step };
        double[] theta = Run(sgd, new[] { 0.0 }, new[] { 1.0 }, new[] { 1.0 }, new[] { 1.0 });
        Near(-2.5, theta[0]); // 1 + 1 + 0.5
        Assert.Equal(0.5, sgd.LearningRate);
        sgd.Schedule = LearningRateSchedule.From(_ => double.NaN);
        Assert.Throws<InvalidOperationException>(() => sgd.Step(theta, new[] { 1.0 }));
    }

    [Fact]
    public void State_is_allocated_once_counted_and_reset()
    {
        var optimizers = new Optimizer<float>[]
        {
            new Sgd<float>(0.1f, 0.9f, nesterov: true, weightDecay: 0.01f), new Adam<float>(0.1f, weightDecay: 0.01f), new AdamW<float>(0.1f),
            new Adagrad<float>(0.1f), new RmsProp<float>(0.1f, momentum: 0.5, centered: true),
        };
        var theta = new float[1000];
        var g = new float[1000];
        Array.Fill(g, 0.5f);
        foreach (Optimizer<float> o in optimizers)
        {
            int calls = 0;
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => { o.Step(theta, g); calls++; }));
            Assert.Equal(calls, o.StepCount);
            Assert.True(o.StateBytes >= 4000);
            Assert.Throws<ArgumentException>(() => o.Step(new float[3], new float[3]));
            o.Reset();
            Assert.Equal(0, o.StepCount);
            o.Step(new float[3], new float[3]);
        }
        Assert.Equal(3 * 4000, new RmsProp<float>(0.1f, momentum: 0.5, centered: true) is var r && Step(r) ? r.StateBytes : 0);
        Assert.Equal(4000, new RmsProp<float>(0.1f) is var plain && Step(plain) ? plain.StateBytes : 0);
    }

    private static bool Step(Optimizer<float> o)
    {
        o.Step(new float[1000], new float[1000]);
        return true;
    }
}
