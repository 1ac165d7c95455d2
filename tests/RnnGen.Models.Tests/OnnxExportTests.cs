using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>The exported ONNX graph, run by ONNX Runtime, gives the model's Output (to 1e-5).</summary>
public class OnnxExportTests
{
    public static TheoryData<string> Models => new() { "CharLstm", "EmbeddingLstmLm", "VectorGruTagger", "VectorRnnRegression", "OnnxBiLstmRegressor", "OnnxBiGruTagger", "OnnxRnnLm" };

    private static IRnnModel<float> Create(string name) => name switch
    {
        "CharLstm" => new CharLstm(2),
        "EmbeddingLstmLm" => new EmbeddingLstmLm(2),
        "VectorGruTagger" => new VectorGruTagger(2),
        "VectorRnnRegression" => new VectorRnnRegression(2),
        "OnnxBiLstmRegressor" => new OnnxBiLstmRegressor(2),
        "OnnxBiGruTagger" => new OnnxBiGruTagger(2),
        _ => new OnnxRnnLm(2),
    };

    private static float[] RunOnnx(byte[] onnx, IRnnModel<float> model, ModelDriver<float> d)
    {
        using var session = new InferenceSession(onnx);
        NamedOnnxValue input = d.Tokens is not null
            ? NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens.Select(v => (long)v).ToArray(), new[] { model.Steps, model.Batch }))
            : NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(d.Inputs!, new[] { model.Steps, model.Batch, model.InputSize }));
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { input });
        Tensor<float> y = results.Single(r => r.Name == "y").AsTensor<float>();
        Assert.Equal(new[] { model.OutputSteps, model.Batch, model.OutputSize }, y.Dimensions.ToArray());
        return y.ToArray();
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_reproduces_forward(string name)
    {
        IRnnModel<float> model = Create(name);
        var d = new ModelDriver<float>(model, 3);
        // A non-zero initial state goes into the graph too.
        var random = new Randomness.Xoshiro256StarStar(8);
        for (int i = 0; i < model.InitialState.Length; i++) model.InitialState[i] = (float)random.NextUniform(-0.5, 0.5);
        d.Forward();
        float[] expected = model.Output.ToArray();
        float[] actual = RunOnnx(OnnxExporter.ToBytes(model), model, d);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"y[{i}]: RnnGen {expected[i]}, ONNX Runtime {actual[i]}");
    }

    [Fact]
    public void Double_models_export_as_float32()
    {
        var model = new OnnxDoubleClassifier(4);
        var d = new ModelDriver<double>(model, 1);
        d.Forward();
        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        var input = NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens!.Select(v => (long)v).ToArray(), new[] { 4, 2 }));
        using var results = session.Run(new[] { input });
        float[] y = results.Single().AsTensor<float>().ToArray();
        for (int i = 0; i < y.Length; i++) Assert.Equal(model.Output[i], y[i], 1e-5);
    }

    [Fact]
    public void Save_writes_a_file_and_generating_models_are_refused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Save(new CharLstm(1), path);
            Assert.True(new FileInfo(path).Length > 4 * CharLstm.ParameterCount);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Contains("OneToMany", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new CountingGenerator())).Message);
    }
}
