namespace RnnGen.Runtime.Tests.Models;

public sealed class ModelArchitectureTests
{
    [Fact]
    public void A_model_prints_as_its_declaration()
    {
        var architecture = new ModelArchitecture(
            "CharLstm", Topology.ManyToMany, Steps: 64, Batch: 32, OutputSteps: 64,
            TokenInput: true, InputSize: 96, Embedding: 0,
            [new LayerArchitecture(CellType.Lstm, 256, Nonlinearity.Tanh, false), new LayerArchitecture(CellType.Lstm, 256, Nonlinearity.Tanh, false)],
            HeadKind.Softmax, OutputSize: 96, Precision.Single);

        Assert.Equal("CharLstm: [RnnModel(Steps = 64, Batch = 32)] [TokenInput(96)] [Lstm(256)] [Lstm(256)] [SoftmaxOutput(96)]", architecture.ToString());
        Assert.DoesNotContain("LayerArchitecture[]", architecture.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_that_is_not_the_default_is_printed()
    {
        var architecture = new ModelArchitecture(
            "Demo.Translator", Topology.EncoderDecoder, Steps: 12, Batch: 4, OutputSteps: 10,
            TokenInput: true, InputSize: 50, Embedding: 16,
            [new LayerArchitecture(CellType.Gru, 32, Nonlinearity.Tanh, false)],
            HeadKind.Softmax, OutputSize: 40, Precision.Double);
        Assert.Equal(
            "Demo.Translator: [RnnModel(Steps = 12, Batch = 4, Topology = EncoderDecoder, OutputSteps = 10, Precision = Double)] [TokenInput(50, Embedding = 16)] [Gru(32)] [SoftmaxOutput(40)]",
            architecture.ToString());

        var regression = new ModelArchitecture(
            "Adder", Topology.ManyToOne, Steps: 50, Batch: 1, OutputSteps: 1,
            TokenInput: false, InputSize: 2, Embedding: 0,
            [new LayerArchitecture(CellType.Rnn, 64, Nonlinearity.Relu, true), new LayerArchitecture(CellType.Rnn, 8, Nonlinearity.Tanh, false)],
            HeadKind.Linear, OutputSize: 1, Precision.Single);
        Assert.Equal(
            "Adder: [RnnModel(Steps = 50, Batch = 1, Topology = ManyToOne)] [VectorInput(2)] [Rnn(64, Nonlinearity = Relu, Bidirectional = true)] [Rnn(8)] [LinearOutput(1)]",
            regression.ToString());
    }

    [Fact]
    public void A_layer_prints_as_its_attribute()
    {
        Assert.Equal("Lstm(128, Bidirectional = true)", new LayerArchitecture(CellType.Lstm, 128, Nonlinearity.Tanh, true).ToString());
        Assert.Equal("Gru(7)", new LayerArchitecture(CellType.Gru, 7, Nonlinearity.Tanh, false).ToString());
    }
}
