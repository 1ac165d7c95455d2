using System.Buffers.Binary;
using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Agreement with PyTorch itself: fixtures written by tests/golden/make_golden.py (nn.LSTM/GRU/RNN, nn.Embedding,
/// nn.Linear in float64) hold the weights as a state_dict, the inputs and targets, and PyTorch's outputs, loss and
/// gradients. The weights load by name; the double model must agree to 1e-9, the float model to 1e-5.
/// </summary>
public class GoldenTests
{
    private static readonly Dictionary<string, (Func<IRnnModel<double>> Double, Func<IRnnModel<float>> Float)> Cases = new()
    {
        ["lstm_m2m_vector_softmax"] = (() => new GoldenLstmM2MVectorSoftmaxDouble(), () => new GoldenLstmM2MVectorSoftmaxFloat()),
        ["gru_m2o_embedding_softmax"] = (() => new GoldenGruM2OEmbeddingSoftmaxDouble(), () => new GoldenGruM2OEmbeddingSoftmaxFloat()),
        ["rnn_m2m_vector_linear"] = (() => new GoldenRnnM2MVectorLinearDouble(), () => new GoldenRnnM2MVectorLinearFloat()),
        ["lstm2_m2m_onehot_softmax"] = (() => new GoldenLstm2M2MOneHotSoftmaxDouble(), () => new GoldenLstm2M2MOneHotSoftmaxFloat()),
        ["gru_bi_m2m_vector_sigmoid"] = (() => new GoldenGruBiM2MVectorSigmoidDouble(), () => new GoldenGruBiM2MVectorSigmoidFloat()),
        ["lstm2_bi_m2o_embedding_softmax"] = (() => new GoldenLstm2BiM2OEmbeddingSoftmaxDouble(), () => new GoldenLstm2BiM2OEmbeddingSoftmaxFloat()),
        ["rnn2_relu_m2o_vector_linear"] = (() => new GoldenRnn2ReluM2OVectorLinearDouble(), () => new GoldenRnn2ReluM2OVectorLinearFloat()),
        ["gru2_bi_m2m_onehot_softmax"] = (() => new GoldenGru2BiM2MOneHotSoftmaxDouble(), () => new GoldenGru2BiM2MOneHotSoftmaxFloat()),
        // nn.LSTM(proj_size=P): weight_hr_l{k}, h of width P; these fixtures also hold the final state (h_n, c_n).
        ["lstmp_m2m_onehot_softmax"] = (() => new GoldenLstmpM2MOneHotSoftmaxDouble(), () => new GoldenLstmpM2MOneHotSoftmaxFloat()),
        ["lstmp2_bi_m2o_vector_linear"] = (() => new GoldenLstmp2BiM2OVectorLinearDouble(), () => new GoldenLstmp2BiM2OVectorLinearFloat()),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    /// <summary>
    /// Runs with per-lane lengths (<see cref="IVariableLengthModel{T, TInput, TTarget}"/>): PyTorch's
    /// pack_padded_sequence(enforce_sorted=False); each fixture holds golden.lengths (a 0 marks an unused lane) and
    /// garbage at padded inputs and targets, and golden.final_state (each lane's state after its last real step).
    /// </summary>
    private static readonly Dictionary<string, (Func<IRnnModel<double>> Double, Func<IRnnModel<float>> Float)> LengthsCases = new()
    {
        ["lstm_m2m_vector_softmax_lengths"] = (() => new GoldenLstmM2MVectorSoftmaxLengthsDouble(), () => new GoldenLstmM2MVectorSoftmaxLengthsFloat()),
        ["gru2_bi_m2o_embedding_softmax_lengths"] = (() => new GoldenGru2BiM2OEmbeddingSoftmaxLengthsDouble(), () => new GoldenGru2BiM2OEmbeddingSoftmaxLengthsFloat()),
        ["rnn_bi_m2m_vector_linear_lengths"] = (() => new GoldenRnnBiM2MVectorLinearLengthsDouble(), () => new GoldenRnnBiM2MVectorLinearLengthsFloat()),
        ["lstm2_bi_m2m_onehot_sigmoid_lengths"] = (() => new GoldenLstm2BiM2MOneHotSigmoidLengthsDouble(), () => new GoldenLstm2BiM2MOneHotSigmoidLengthsFloat()),
        ["rnn2_m2o_vector_linear_lengths"] = (() => new GoldenRnn2M2OVectorLinearLengthsDouble(), () => new GoldenRnn2M2OVectorLinearLengthsFloat()),
        ["gru_m2m_onehot_softmax_lengths"] = (() => new GoldenGruM2MOneHotSoftmaxLengthsDouble(), () => new GoldenGruM2MOneHotSoftmaxLengthsFloat()),
        ["lstm_bi_m2o_vector_sigmoid_lengths"] = (() => new GoldenLstmBiM2OVectorSigmoidLengthsDouble(), () => new GoldenLstmBiM2OVectorSigmoidLengthsFloat()),
        ["lstmp2_bi_m2m_embedding_softmax_lengths"] = (() => new GoldenLstmp2BiM2MEmbeddingSoftmaxLengthsDouble(), () => new GoldenLstmp2BiM2MEmbeddingSoftmaxLengthsFloat()),
    };

    public static TheoryData<string> LengthsNames => new(LengthsCases.Keys);

    /// <summary>A lengths fixture's float model (the ONNX tests export it).</summary>
    public static IRnnModel<float> LengthsFloatModel(string fixture) => LengthsCases[fixture].Float();

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "golden", name + ".safetensors");

    /// <summary>Whether the fixture holds a tensor of that name (the projected fixtures hold golden.final_state).</summary>
    public static bool HasTensor(string path, string name) => Safetensors.ReadHeader(path).Entries.Any(x => x.Name == name);

    /// <summary>Reads one float64 tensor of a fixture.</summary>
    public static double[] Tensor(string path, string name)
    {
        SafetensorsHeader header = Safetensors.ReadHeader(path);
        SafetensorsEntry e = header.Entries.Single(x => x.Name == name);
        byte[] bytes = File.ReadAllBytes(path);
        var values = new double[e.ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan((int)(header.DataStart + e.Begin + 8 * i)));
        return values;
    }

    private static void Run<T>(IRnnModel<T> model, string path, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // The fixture carries golden.* tensors besides the state_dict: load the model's tensors, skip the rest.
        Safetensors.Load(model, path, new SafetensorsLoadOptions { IgnoreUnknownTensors = true });
        ModelDriver<T> d = Driver(model, path);

        d.Forward();
        AssertClose("output", Tensor(path, "golden.output"), model.Output.ToArray().Select(v => double.CreateTruncating(v)).ToArray(), tolerance);
        AssertClose("loss", Tensor(path, "golden.loss"), new[] { double.CreateTruncating(d.Loss()) }, tolerance);
        if (HasTensor(path, "golden.final_state"))
            AssertClose("final state", Tensor(path, "golden.final_state"), ToDouble<T>(model.FinalState), tolerance);
        model.ZeroGradients();
        d.Backward();
        foreach (TensorInfo t in model.Tensors)
        {
            double[] actual = model.Gradient(t.Name).ToArray().Select(v => double.CreateTruncating(v)).ToArray();
            AssertClose("grad " + t.Name, Tensor(path, "golden.grad." + t.Name), actual, tolerance);
        }
    }

    /// <summary>A driver holding the fixture's inputs and targets.</summary>
    public static ModelDriver<T> Driver<T>(IRnnModel<T> model, string path) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var d = new ModelDriver<T>(model, 0);
        double[] inputs = Tensor(path, "golden.inputs"), targets = Tensor(path, "golden.targets");
        if (d.Tokens is not null) for (int i = 0; i < inputs.Length; i++) d.Tokens[i] = (int)inputs[i];
        else for (int i = 0; i < inputs.Length; i++) d.Inputs![i] = T.CreateTruncating(inputs[i]);
        if (d.ClassTargets is not null) for (int i = 0; i < targets.Length; i++) d.ClassTargets[i] = (int)targets[i];
        else for (int i = 0; i < targets.Length; i++) d.ValueTargets![i] = T.CreateTruncating(targets[i]);
        return d;
    }

    public static int[] Lengths(string path) => Tensor(path, "golden.lengths").Select(v => (int)v).ToArray();

    private static ModelDriver<T> LoadLengths<T>(IRnnModel<T> model, string path) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Safetensors.Load(model, path, new SafetensorsLoadOptions { IgnoreUnknownTensors = true });
        return Driver(model, path);
    }

    private static double[] ToDouble<T>(ReadOnlySpan<T> values) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = double.CreateTruncating(values[i]);
        return d;
    }

    /// <summary>Forward(inputs, lengths), Loss, Backward against the fixture; the model holds the fixture's weights.</summary>
    private static void CompareLengths<T>(IRnnModel<T> model, ModelDriver<T> d, string path, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int[] lengths = Lengths(path);
        d.Forward(lengths);
        Assert.Equal(lengths, ModelLengths(model));
        AssertClose("output", Tensor(path, "golden.output"), ToDouble<T>(model.Output), tolerance);
        AssertClose("final state", Tensor(path, "golden.final_state"), ToDouble<T>(model.FinalState), tolerance);
        AssertClose("loss", Tensor(path, "golden.loss"), new[] { double.CreateTruncating(d.Loss()) }, tolerance);
        model.ZeroGradients();
        d.Backward();
        foreach (TensorInfo t in model.Tensors)
            AssertClose("grad " + t.Name, Tensor(path, "golden.grad." + t.Name), ToDouble<T>(model.Gradient(t.Name)), tolerance);
    }

    private static void RunLengths<T>(IRnnModel<T> model, string path, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        CompareLengths(model, LoadLengths(model, path), path, tolerance);

    /// <summary>Each lane's length in the model's last forward pass (<see cref="IVariableLengthModel{T, TInput, TTarget}.Lengths"/>).</summary>
    private static int[] ModelLengths<T>(IRnnModel<T> model) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => model switch
    {
        IVariableLengthModel<T, int, int> m => m.Lengths.ToArray(),
        IVariableLengthModel<T, int, T> m => m.Lengths.ToArray(),
        IVariableLengthModel<T, T, int> m => m.Lengths.ToArray(),
        IVariableLengthModel<T, T, T> m => m.Lengths.ToArray(),
        _ => throw new ArgumentException($"{model.GetType().Name} is not an IVariableLengthModel"),
    };

    private static void AssertClose(string what, double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        // Relative to the tensor's scale, so components near zero are judged against their neighbours.
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: PyTorch {expected[i]:R}, RnnGen {actual[i]:R}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Double_model_matches_pytorch_to_1e_9(string fixture) => Run(Cases[fixture].Double(), FixturePath(fixture), 1e-9);

    [Theory]
    [MemberData(nameof(Names))]
    public void Float_model_matches_pytorch_to_1e_5(string fixture) => Run(Cases[fixture].Float(), FixturePath(fixture), 1e-5);

    [Theory]
    [MemberData(nameof(LengthsNames))]
    public void Double_model_with_lengths_matches_pytorch_to_1e_9(string fixture) => RunLengths(LengthsCases[fixture].Double(), FixturePath(fixture), 1e-9);

    [Theory]
    [MemberData(nameof(LengthsNames))]
    public void Float_model_with_lengths_matches_pytorch_to_1e_5(string fixture) => RunLengths(LengthsCases[fixture].Float(), FixturePath(fixture), 1e-5);

    /// <summary>
    /// Padded positions are neither read nor validated: with every padded input and target overwritten by the driver's
    /// poison (NaN values, token and class ids far out of range), the results are still PyTorch's.
    /// </summary>
    [Theory]
    [MemberData(nameof(LengthsNames))]
    public void Poisoned_padding_changes_nothing(string fixture)
    {
        IRnnModel<double> model = LengthsCases[fixture].Double();
        string path = FixturePath(fixture);
        ModelDriver<double> d = LoadLengths(model, path).WithLengths(Lengths(path));
        CompareLengths(model, d, path, 1e-9);
    }

    /// <summary>TrainStep(inputs, targets, lengths, …) returns PyTorch's loss and takes an SGD step along PyTorch's gradients.</summary>
    [Theory]
    [MemberData(nameof(LengthsNames))]
    public void Train_step_with_lengths_steps_along_pytorch_gradients(string fixture)
    {
        IRnnModel<double> model = LengthsCases[fixture].Double();
        string path = FixturePath(fixture);
        ModelDriver<double> d = LoadLengths(model, path);
        double[] before = model.Parameters.ToArray();
        const double rate = 0.1;
        double loss = d.TrainStep(Lengths(path), new Sgd<double>(rate), 0);
        AssertClose("loss", Tensor(path, "golden.loss"), new[] { loss }, 1e-9);
        Assert.Equal(Lengths(path), ModelLengths(model));
        foreach (TensorInfo t in model.Tensors)
        {
            double[] grad = Tensor(path, "golden.grad." + t.Name);
            double[] expected = grad.Select((g, i) => before[t.Offset + i] - rate * g).ToArray();
            AssertClose("parameter " + t.Name, expected, model.Parameters.Slice(t.Offset, t.Length).ToArray(), 1e-9);
        }
    }
}
