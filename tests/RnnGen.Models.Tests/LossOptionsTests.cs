using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests.Models
{
    /// <summary>A packed many-to-many softmax model in double, for the loss options with lengths.</summary>
    [RnnModel(Steps = 4, Batch = 3, Precision = Precision.Double)]
    [TokenInput(5)]
    [Gru(3)]
    [SoftmaxOutput(4)]
    public partial class LossOptionsTagger { }
}

namespace RnnGen.Models.Tests
{
    /// <summary>
    /// <see cref="LossOptions{T}"/>: each option's loss against a formula computed here from <c>Logits</c> and
    /// <c>Output</c> (PyTorch's definitions: <c>CrossEntropyLoss(weight, label_smoothing)</c>, <c>BCEWithLogitsLoss(pos_weight)</c>,
    /// their <c>'mean'</c>), its gradient against finite differences, TrainStep, defaults bit for bit, validation.
    /// </summary>
    public class LossOptionsTests
    {
        public static TheoryData<string, string> Cases()
        {
            var data = new TheoryData<string, string>();
            foreach (string model in new[] { "LstmManyToManyVectorSoftmax", "LossOptionsTagger", "LengthsBiGruRnnClassifier", "LstmEncoderDecoderOneHot" })
                foreach (string option in new[] { "mean", "class", "smoothing", "sample", "all" })
                    data.Add(model, option);
            foreach (string model in new[] { "SigmoidWithLengths", "LstmManyToManyOneHotSigmoid" })
                foreach (string option in new[] { "mean", "positive", "sample", "all" })
                    data.Add(model, option);
            foreach (string model in new[] { "LengthsBiLstmGruTagger", "LstmOneToManyVectorLinear" })
                foreach (string option in new[] { "mean", "sample", "all" })
                    data.Add(model, option);
            return data;
        }

        private static ModelDriver<double> Driver(string name) => name switch
        {
            "LstmManyToManyVectorSoftmax" => new ModelDriver<double>(new LstmManyToManyVectorSoftmax(5), 11),
            "LossOptionsTagger" => new ModelDriver<double>(new LossOptionsTagger(5), 11).WithLengths(new[] { 2, 4, 0 }),
            "LengthsBiGruRnnClassifier" => new ModelDriver<double>(new LengthsBiGruRnnClassifier(5), 11).WithLengths(new[] { 5, 2, 0, 4 }),
            "LstmEncoderDecoderOneHot" => new ModelDriver<double>(new LstmEncoderDecoderOneHot(5), 11).WithTargetLengths(new[] { 3, 1 }),
            "SigmoidWithLengths" => new ModelDriver<double>(new LstmManyToManyVectorSigmoid(5), 11).WithLengths(new[] { 1, 3 }), // no relu: its kinks would fail finite differences
            "LstmManyToManyOneHotSigmoid" => new ModelDriver<double>(new LstmManyToManyOneHotSigmoid(5), 11),
            "LengthsBiLstmGruTagger" => new ModelDriver<double>(new LengthsBiLstmGruTagger(5), 11).WithLengths(new[] { 5, 2, 0, 4 }),
            "LstmOneToManyVectorLinear" => new ModelDriver<double>(new LstmOneToManyVectorLinear(5), 11),
            _ => throw new ArgumentException(name),
        };

        private static bool Real(ModelDriver<double> d, int t, int b) =>
            d.Lengths is { } lengths ? t < lengths[b] : d.TargetLengths is not { } targets || t < targets[b];

        private static void Apply(LossOptions<double> o, string option, int outputSize, int batch)
        {
            double[] weights = Enumerable.Range(0, outputSize).Select(j => 0.5 + 0.75 * j).ToArray();
            double[] samples = Enumerable.Range(0, batch).Select(b => 2.0 - 0.5 * b).ToArray();
            bool all = option == "all";
            if (option == "mean" || all) o.Reduction = LossReduction.MeanOverTokens;
            if ((option == "class" || all) && o.Head == HeadKind.Softmax) o.SetClassWeights(weights);
            if ((option == "smoothing" || all) && o.Head == HeadKind.Softmax) o.LabelSmoothing = 0.2;
            if ((option == "positive" || all) && o.Head == HeadKind.Sigmoid) o.SetPositiveWeights(weights);
            if (option == "sample" || all) o.SetSampleWeights(samples);
        }

        /// <summary>The loss by its definition, from the model's Logits and Output of the last pass.</summary>
        private static double Reference(ModelDriver<double> d)
        {
            IRnnModel<double> m = d.Model;
            LossOptions<double> o = m.LossOptions;
            int c = m.OutputSize, batch = m.Batch;
            double[] z = m.Logits.ToArray(), y = m.Output.ToArray();
            double epsilon = o.LabelSmoothing, total = 0, weightOfTargets = 0, tokens = 0;
            for (int t = m.LossStartStep; t < m.OutputSteps; t++)
                for (int b = 0; b < batch; b++)
                {
                    if (!Real(d, t, b)) continue;
                    int row = t * batch + b;
                    double s = o.SampleWeights[b], loss = 0;
                    tokens += s;
                    switch (o.Head)
                    {
                        case HeadKind.Softmax:
                        {
                            double[] zr = z.AsSpan(row * c, c).ToArray();
                            double lse = zr.Max() + Math.Log(zr.Sum(v => Math.Exp(v - zr.Max())));
                            int target = d.ClassTargets![row];
                            loss = (1 - epsilon) * o.ClassWeights[target] * (lse - zr[target]);
                            for (int j = 0; j < c; j++) loss += epsilon / c * o.ClassWeights[j] * (lse - zr[j]);
                            weightOfTargets += s * o.ClassWeights[target];
                            break;
                        }
                        case HeadKind.Sigmoid:
                            for (int j = 0; j < c; j++)
                            {
                                double tj = d.ValueTargets![row * c + j], zj = z[row * c + j], sigma = 1 / (1 + Math.Exp(-zj));
                                loss += -(o.PositiveWeights[j] * tj * Math.Log(sigma) + (1 - tj) * Math.Log(1 - sigma));
                            }
                            break;
                        default:
                            for (int j = 0; j < c; j++) loss += Math.Pow(y[row * c + j] - d.ValueTargets![row * c + j], 2);
                            break;
                    }
                    total += s * loss;
                }
            double lanes = d.Lengths is { } l ? l.Count(v => v > 0) : d.TargetLengths is { } tl ? tl.Count(v => v > 0) : batch;
            double divisor = o.Reduction == LossReduction.SumOverStepsMeanOverLanes ? lanes : o.Head == HeadKind.Softmax ? weightOfTargets : tokens * c;
            return total / divisor;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Each_option_gives_the_loss_of_its_definition(string name, string option)
        {
            ModelDriver<double> d = Driver(name);
            Apply(d.Model.LossOptions, option, d.Model.OutputSize, d.Model.Batch);
            Assert.False(d.Model.LossOptions.IsDefault);
            d.Forward();
            double loss = d.Loss(), expected = Reference(d);
            Assert.True(Math.Abs(loss - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{name} {option}: {loss:R}, expected {expected:R}");
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Each_option_passes_a_gradient_check(string name, string option)
        {
            ModelDriver<double> d = Driver(name);
            Apply(d.Model.LossOptions, option, d.Model.OutputSize, d.Model.Batch);
            var (error, where) = GradientCheck.Parameters(d.Model, d.ForwardLoss, d.ForwardBackward);
            Assert.True(error < 1e-6, $"{name} {option}: relative error {error:E2} at {where}");
        }

        [Fact]
        public void Mean_over_tokens_is_the_default_times_lanes_over_tokens()
        {
            // Lengths 2, 4, 0: 6 tokens over 2 lanes in use, so the mean is the default loss · 2/6 (and its gradients too).
            ModelDriver<double> d = Driver("LossOptionsTagger");
            IRnnModel<double> m = d.Model;
            m.ZeroGradients();
            double sum = d.ForwardLoss();
            d.ForwardBackward();
            double[] g = m.Gradients.ToArray();
            m.LossOptions.Reduction = LossReduction.MeanOverTokens;
            m.ZeroGradients();
            double mean = d.ForwardLoss();
            d.ForwardBackward();
            Assert.Equal(sum * 2 / 6, mean, 1e-12);
            double[] gm = m.Gradients.ToArray();
            for (int i = 0; i < g.Length; i++) Assert.Equal(g[i] * 2 / 6, gm[i], 1e-12);
        }

        [Fact]
        public void TrainStep_trains_on_the_options_loss()
        {
            // TrainStep = the options' Loss, their Backward, then the update: bit for bit what the pieces give on a twin.
            var a = new LossOptionsTagger(3);
            var b = new LossOptionsTagger(3);
            var da = new ModelDriver<double>(a, 4).WithLengths(new[] { 3, 1, 4 });
            var db = new ModelDriver<double>(b, 4).WithLengths(new[] { 3, 1, 4 });
            foreach (var m in new IRnnModel<double>[] { a, b })
            {
                m.LossOptions.SetClassWeights(new[] { 1.0, 0.25, 2.0, 0.0 });
                m.LossOptions.LabelSmoothing = 0.1;
                m.LossOptions.Reduction = LossReduction.MeanOverTokens;
            }
            double trained = da.TrainStep(new Sgd<double>(0.5), 0);
            db.Forward();
            double loss = db.Loss();
            b.ZeroGradients();
            db.Backward();
            new Sgd<double>(0.5).Step(b.Parameters, b.Gradients);
            Assert.Equal(loss, trained);
            Assert.Equal(b.Parameters.ToArray(), a.Parameters.ToArray());
        }

        [Fact]
        public void At_the_defaults_the_loss_and_gradients_are_the_built_in_ones_bit_for_bit()
        {
            ModelDriver<double> d = Driver("LossOptionsTagger");
            IRnnModel<double> m = d.Model;
            m.ZeroGradients();
            double loss = d.ForwardLoss();
            d.ForwardBackward();
            double[] g = m.Gradients.ToArray();

            Apply(m.LossOptions, "all", m.OutputSize, m.Batch);
            Assert.NotEqual(loss, d.ForwardLoss());
            m.LossOptions.Reset();
            Assert.True(m.LossOptions.IsDefault);
            // Weights of one set explicitly are the defaults too.
            m.LossOptions.SetClassWeights(new[] { 1.0, 1.0, 1.0, 1.0 });
            m.LossOptions.SetSampleWeights(new[] { 1.0, 1.0, 1.0 });
            Assert.True(m.LossOptions.IsDefault);
            m.ZeroGradients();
            Assert.Equal(loss, d.ForwardLoss());
            d.ForwardBackward();
            Assert.Equal(g, m.Gradients.ToArray());
        }

        [Fact]
        public void Bad_options_throw_and_change_nothing()
        {
            var softmax = new LossOptionsTagger(1).LossOptions;
            softmax.SetClassWeights(new[] { 1.0, 2.0, 3.0, 4.0 });
            foreach (double bad in new[] { -1.0, double.NaN, double.PositiveInfinity })
            {
                Assert.Equal("weights", Assert.Throws<ArgumentException>(() => softmax.SetClassWeights(new[] { 1.0, bad, 1.0, 1.0 })).ParamName);
                Assert.Equal("weights", Assert.Throws<ArgumentException>(() => softmax.SetSampleWeights(new[] { 1.0, 1.0, bad })).ParamName);
            }
            Assert.Equal("weights", Assert.Throws<ArgumentException>(() => softmax.SetClassWeights(new[] { 1.0, 2.0 })).ParamName);
            Assert.Equal("weights", Assert.Throws<ArgumentException>(() => softmax.SetSampleWeights(new[] { 1.0 })).ParamName);
            Assert.Throws<ArgumentException>(() => softmax.SetPositiveWeights(new[] { 1.0, 1.0, 1.0, 1.0 }));
            foreach (double bad in new[] { 1.0, -0.1, double.NaN, 1.5 })
                Assert.Throws<ArgumentOutOfRangeException>(() => softmax.LabelSmoothing = bad);
            Assert.Throws<ArgumentOutOfRangeException>(() => softmax.Reduction = (LossReduction)7);
            Assert.Equal(new[] { 1.0, 2.0, 3.0, 4.0 }, softmax.ClassWeights.ToArray());
            Assert.Equal(new[] { 1.0, 1.0, 1.0 }, softmax.SampleWeights.ToArray());
            Assert.Equal(0.0, softmax.LabelSmoothing);
            Assert.Equal(LossReduction.SumOverStepsMeanOverLanes, softmax.Reduction);

            var linear = new LengthsBiLstmGruTagger(1).LossOptions;
            Assert.Throws<ArgumentException>(() => linear.SetClassWeights(new[] { 1.0, 1.0 }));
            Assert.Throws<ArgumentException>(() => linear.LabelSmoothing = 0.1);
            Assert.True(linear.IsDefault);
        }

        [Fact]
        public void Weighted_losses_allocate_nothing()
        {
            var model = new CharLstm(1);
            var d = new ModelDriver<float>(model, 1);
            model.LossOptions.SetClassWeights(Enumerable.Range(0, CharLstm.OutputSize).Select(j => 1f + j % 3).ToArray());
            model.LossOptions.SetSampleWeights(Enumerable.Range(0, CharLstm.Batch).Select(b => 0.5f + b % 2).ToArray());
            model.LossOptions.LabelSmoothing = 0.1f;
            model.LossOptions.Reduction = LossReduction.MeanOverTokens;
            var adam = new Adam<float>(1e-3f);
            d.Forward();
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => d.Loss()));
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(d.ForwardBackward));
            Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => model.TrainStep(d.Tokens, d.ClassTargets, adam, 5f)));
        }
    }
}
