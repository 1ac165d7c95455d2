using RnnGen.Kernels;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// <c>WeightFormat</c>: the single-row products of passes at batch 1 and of <c>Step</c> read W_hh in bfloat16 or int8.
/// A model in a reduced format computes what the float model computes with its W_hh replaced by the stored values
/// (rounded to bfloat16, or s_j·q), so that is the reference; the copy follows every change of the parameters, also
/// through another model sharing them; training refuses to run on it and changes nothing; a step allocates nothing.
/// </summary>
public sealed class ReducedWeightsTests
{
    public static TheoryData<string, WeightFormat> ModelsAndFormats()
    {
        var data = new TheoryData<string, WeightFormat>();
        foreach (string model in new[] { nameof(ReducedCharLstm), nameof(ReducedVectorStack), nameof(ReducedProjectedLstm) })
            foreach (WeightFormat format in new[] { WeightFormat.BFloat16, WeightFormat.Int8 })
                data.Add(model, format);
        return data;
    }

    /// <summary>The model with its W_hh three times PyTorch's initial scale, so that the recurrence, and the rounding of
    /// its weights, moves the outputs by more than the float sums' rounding does.</summary>
    private static IRnnModel<float> Create(string name)
    {
        IRnnModel<float> model = name switch
        {
            nameof(ReducedCharLstm) => new ReducedCharLstm(5),
            nameof(ReducedVectorStack) => new ReducedVectorStack(5),
            nameof(ReducedProjectedLstm) => new ReducedProjectedLstm(5),
            _ => throw new ArgumentException(name),
        };
        Amplify(model);
        return model;
    }

    private static void Amplify(IRnnModel<float> model)
    {
        foreach (TensorInfo t in model.Tensors.Where(t => t.Name.Contains("weight_hh", StringComparison.Ordinal)))
            foreach (ref float w in model.Parameters.Slice(t.Offset, t.Length)) w *= 3;
    }

    /// <summary>Replaces every W_hh of <paramref name="model"/> by the values <paramref name="format"/> stores: the
    /// test's own statement of the formats (bfloat16 rounded to nearest even; int8 symmetric per row).</summary>
    private static void StoreAs(IRnnModel<float> model, WeightFormat format)
    {
        foreach (TensorInfo t in model.Tensors.Where(t => t.Name.Contains("weight_hh", StringComparison.Ordinal)))
        {
            Span<float> w = model.Parameters.Slice(t.Offset, t.Length);
            int rows = t.Shape[0], columns = t.Shape[1];
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = w.Slice(r * columns, columns);
                if (format == WeightFormat.BFloat16)
                {
                    for (int c = 0; c < columns; c++) row[c] = BFloat16Format.ToSingle(BFloat16Format.FromSingle(row[c]));
                    continue;
                }
                float max = 0;
                foreach (float v in row) max = MathF.Max(max, MathF.Abs(v));
                float scale = max / 127;
                for (int c = 0; c < columns; c++) row[c] = max == 0 ? 0 : scale * Math.Clamp(MathF.Round(row[c] * (127 / max)), -127, 127);
            }
        }
    }

    private static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        return max;
    }

    [Theory]
    [MemberData(nameof(ModelsAndFormats))]
    public void A_reduced_forward_is_the_float_forward_over_the_stored_weights(string name, WeightFormat format)
    {
        IRnnModel<float> model = Create(name), reference = Create(name), plain = Create(name);
        StoreAs(reference, format);
        ((IReducedWeightsModel)model).WeightFormat = format;
        var d = new ModelDriver<float>(model, 11);
        d.Forward();
        new ModelDriver<float>(reference, 11).Forward();
        new ModelDriver<float>(plain, 11).Forward();
        // Only the float sums' order differs from the reference; the float weights give outputs ten times farther off.
        float fromReference = MaxDifference(model.Output, reference.Output), fromPlain = MaxDifference(model.Output, plain.Output);
        Assert.True(fromReference < 1e-6f && fromPlain > 10 * fromReference && fromPlain > 1e-6f,
            $"{name} {format}: {fromReference} from the reference, {fromPlain} from the float model");
    }

    [Theory]
    [InlineData(WeightFormat.BFloat16)]
    [InlineData(WeightFormat.Int8)]
    public void Step_reads_the_copy_at_any_batch(WeightFormat format)
    {
        // Batch 4: Forward uses the packed float W_hh, Step the copy; the reference is a float model over the stored values.
        var model = new ReducedCharLstmBatch4(6) { WeightFormat = format };
        var reference = new ReducedCharLstmBatch4(6);
        var plain = new ReducedCharLstmBatch4(6);
        foreach (IRnnModel<float> m in new IRnnModel<float>[] { model, reference, plain }) Amplify(m);
        StoreAs(reference, format);
        int[] tokens = [3, 28, 0, 7, 7, 19, 1, 12];
        float worst = 0, fromPlain = 0;
        foreach (int token in tokens)
        {
            float[] reduced = model.Step(token, lane: 2).ToArray(), expected = reference.Step(token, lane: 2).ToArray(), floats = plain.Step(token, lane: 2).ToArray();
            worst = MathF.Max(worst, MaxDifference(reduced, expected));
            fromPlain = MathF.Max(fromPlain, MaxDifference(reduced, floats));
        }
        Assert.True(worst < 1e-6f && fromPlain > 10 * worst && fromPlain > 1e-6f, $"{format}: {worst} from the reference, {fromPlain} from the float model");
    }

    [Fact]
    public void The_copy_follows_the_parameters_however_they_change()
    {
        var model = new ReducedCharLstm(7) { WeightFormat = WeightFormat.BFloat16 };
        int weightHh = ReducedCharLstm.Tensors.Single(t => t.Name == "rnn.weight_hh_l0").Offset;
        float[] Run(ReducedCharLstm m)
        {
            m.ResetStepState();
            float[] last = [];
            foreach (int token in new[] { 4, 9, 2, 27 }) last = m.Step(token).ToArray();
            return last;
        }
        // The reference: a float model over the model's current values rounded to bfloat16, read without counting as a
        // write (the internal buffer), so only the change under test can have told the copy to follow.
        void Expect(string after, Action change)
        {
            int before = model.SharedParameters.Version;
            change();
            Assert.True(model.SharedParameters.Version > before, after + " did not count as a write");
            float[] reduced = Run(model);
            var stored = new ReducedCharLstm(0);
            model.SharedParameters.Buffer.Span.CopyTo(stored.Parameters);
            StoreAs(stored, WeightFormat.BFloat16);
            Assert.True(MaxDifference(reduced, Run(stored)) < 2e-6f, "after " + after);
        }

        Expect("the first step", () => model.SharedParameters.MarkWritten());
        Expect("a write through Parameter(name)", () =>
        {
            Span<float> wHh = model.Parameter("rnn.weight_hh_l0");
            for (int i = 0; i < wHh.Length; i++) wHh[i] *= -0.75f;
        });
        Expect("a write through Parameters", () => model.Parameters[weightHh] += 0.5f);
        Expect("a write through SharedParameters.Values", () => model.SharedParameters.Values[weightHh + 7] -= 0.25f);
        // Another model over the same parameters trains (in floats): this model's copy is rebuilt on its next step.
        var trainer = new ReducedCharLstmBatch4(model.SharedParameters);
        var d = new ModelDriver<float>(trainer, 3);
        Expect("a TrainStep of a model sharing the parameters", () => trainer.TrainStep(d.Tokens!, d.ClassTargets!, new Sgd<float>(0.5f)));
        // A checkpoint loaded into the model.
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-reduced-{Guid.NewGuid():N}.safetensors");
        try
        {
            var other = new ReducedCharLstm(99);
            Safetensors.Save(other, path);
            Expect("a checkpoint load", () => Safetensors.Load(model, path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Training_needs_float_weights_and_a_refusal_changes_nothing()
    {
        var model = new ReducedCharLstm(8) { WeightFormat = WeightFormat.Int8 };
        var d = new ModelDriver<float>(model, 4);
        float[] before = model.Parameters.ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => model.TrainStep(d.Tokens!, d.ClassTargets!, new Sgd<float>(0.1f)));
        Assert.Contains("Int8", error.Message);
        int[] lengths = [ReducedCharLstm.Steps];
        Assert.Throws<InvalidOperationException>(() => model.TrainStep(d.Tokens!, d.ClassTargets!, lengths, new Sgd<float>(0.1f)));
        Assert.Equal(before, model.Parameters.ToArray());
        // Backward from logits of one's own loss is refused the same way.
        d.Forward();
        var logitsGradient = new float[ReducedCharLstm.OutputSteps * ReducedCharLstm.OutputSize];
        Assert.Throws<InvalidOperationException>(() => model.BackwardFromLogits(logitsGradient));

        // A forward pass in int8, then the format set back: that pass's activations are not the float model's.
        d.Forward();
        model.WeightFormat = WeightFormat.Single;
        Assert.Throws<InvalidOperationException>(() => model.Backward(d.ClassTargets!));
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
        d.Forward();
        model.Backward(d.ClassTargets!);
        Assert.Contains(model.Gradients.ToArray(), g => g != 0f);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.WeightFormat = (WeightFormat)7);
        Assert.Equal(WeightFormat.Single, model.WeightFormat);
    }

    [Theory]
    [InlineData(WeightFormat.BFloat16)]
    [InlineData(WeightFormat.Int8)]
    public void A_reduced_step_allocates_nothing(WeightFormat format)
    {
        var model = new ReducedCharLstm(9) { WeightFormat = format };
        model.Step(1);
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => model.Step(2)));
    }
}
