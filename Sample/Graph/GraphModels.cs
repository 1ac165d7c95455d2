using RnnGen.Sample.Adding;
using RnnGen.Sample.Models;

namespace RnnGen.Sample.Graph;

/// <summary>A model <c>graph</c> can draw: a generated class's declaration and tensors (no instance needed).</summary>
public sealed record GraphModel(string Name, string Description, ModelArchitecture Architecture, IReadOnlyList<TensorInfo> Tensors);

/// <summary>A bidirectional tagger declared only to show how <c>graph</c> draws reverse directions and a mixed stack.</summary>
[RnnModel(Steps = 16, Batch = 4)]
[TokenInput(64, Embedding = 16)]
[Lstm(32, Bidirectional = true)]
[Gru(32)]
[SoftmaxOutput(8)]
public partial class BidirectionalTagger { }

/// <summary>The models <c>graph --model</c> knows.</summary>
public static class GraphModels
{
    /// <summary>Every drawable model: the character shapes, the tagger, the adding-problem cells.</summary>
    public static IReadOnlyList<GraphModel> All { get; } =
    [
        .. CharShapes.All.Select(s => new GraphModel(s.Name, $"character model ({s.Layers})", s.Architecture, s.Tensors)),
        new("tagger", "bidirectional LSTM + GRU tagger with an embedding", BidirectionalTagger.Architecture, BidirectionalTagger.Tensors),
        new("adding-rnn-50", "adding problem, tanh RNN, T = 50", AddingRnn50.Architecture, AddingRnn50.Tensors),
        new("adding-lstm-50", "adding problem, LSTM, T = 50", AddingLstm50.Architecture, AddingLstm50.Tensors),
        new("adding-gru-50", "adding problem, GRU, T = 50", AddingGru50.Architecture, AddingGru50.Tensors),
        new("adding-rnn-200", "adding problem, tanh RNN, T = 200", AddingRnn200.Architecture, AddingRnn200.Tensors),
        new("adding-lstm-200", "adding problem, LSTM, T = 200", AddingLstm200.Architecture, AddingLstm200.Tensors),
        new("adding-gru-200", "adding problem, GRU, T = 200", AddingGru200.Architecture, AddingGru200.Tensors),
    ];

    /// <summary>The names, comma-separated.</summary>
    public static string Names => string.Join(", ", All.Select(m => m.Name));

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public static GraphModel? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}
