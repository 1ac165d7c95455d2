using System.Globalization;
using System.Text;

namespace RnnGen;

/// <summary>One layer of a declared model.</summary>
public sealed record LayerArchitecture(CellType Cell, int Hidden, Nonlinearity Nonlinearity, bool Bidirectional)
{
    /// <summary>Gate blocks of the cell, each <see cref="Hidden"/> rows of W_ih and W_hh: LSTM 4 (i, f, g, o), GRU 3 (r, z, n), RNN 1.</summary>
    public int Gates => Cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };

    /// <summary>Probability of dropping each value of the layer's output while training (<see cref="LstmAttribute.Dropout"/>); 0: none.</summary>
    public double Dropout { get; init; }

    /// <summary>Probability of dropping each unit of h_(t−1) in the recurrent product while training (<see cref="LstmAttribute.RecurrentDropout"/>); 0: none.</summary>
    public double RecurrentDropout { get; init; }

    /// <summary>
    /// The LSTM's projection width P (<see cref="LstmAttribute.Projection"/>, PyTorch's <c>proj_size</c>), 0 for none:
    /// h, the layer's output and the recurrence have width P, c keeps <see cref="Hidden"/>.
    /// </summary>
    public int Projection { get; init; }

    /// <summary>The width of h per direction: <see cref="Projection"/> when the layer is projected, else <see cref="Hidden"/>.</summary>
    public int StateWidth => Projection > 0 ? Projection : Hidden;

    /// <summary>The RNN's constant leak α in (0, 1] (<see cref="RnnAttribute.Leak"/>); 1 is the plain RNN.</summary>
    public double Leak { get; init; } = 1;

    /// <summary>The RNN learns its leak per unit, α = σ(a) (<see cref="RnnAttribute.LearnedLeak"/>).</summary>
    public bool LearnedLeak { get; init; }

    /// <summary>Leaky units: <c>h_t = (1 − α)⊙h_(t-1) + α⊙f(…)</c> with α below 1 or learned.</summary>
    public bool IsLeaky => LearnedLeak || Leak != 1;

    /// <summary>The leak as the attribute argument that declares it (<c>Leak = 0.5</c>, <c>LearnedLeak = true</c>), or empty.</summary>
    internal string LeakArgument => LearnedLeak ? "LearnedLeak = true" : IsLeaky ? "Leak = " + Leak.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>The layer as it is declared: <c>Lstm(256)</c>, <c>Rnn(64, Nonlinearity = Relu, Bidirectional = true)</c>, <c>Rnn(64, Leak = 0.5)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Cell).Append('(').Append(Hidden.ToString(CultureInfo.InvariantCulture));
        if (Cell == CellType.Rnn && Nonlinearity != Nonlinearity.Tanh)
            text.Append(", Nonlinearity = ").Append(Nonlinearity);
        if (Bidirectional)
            text.Append(", Bidirectional = true");
        if (IsLeaky)
            text.Append(", ").Append(LeakArgument);
        if (Dropout > 0)
            text.Append(", Dropout = ").Append(Dropout.ToString("R", CultureInfo.InvariantCulture));
        if (RecurrentDropout > 0)
            text.Append(", RecurrentDropout = ").Append(RecurrentDropout.ToString("R", CultureInfo.InvariantCulture));
        if (Projection > 0)
            text.Append(", Projection = ").Append(Projection.ToString(CultureInfo.InvariantCulture));
        return text.Append(')').ToString();
    }
}

/// <summary>
/// What a generated model was declared as: its attributes, as data. Exporters, checkpoints and tools read it to know
/// the graph without reflection.
/// </summary>
/// <param name="Name">The model class's full name.</param>
/// <param name="Topology">Shape of the graph.</param>
/// <param name="Steps">Input steps T.</param>
/// <param name="Batch">Sequences per batch B.</param>
/// <param name="OutputSteps">Output steps.</param>
/// <param name="TokenInput">True for <see cref="TokenInputAttribute"/>, false for <see cref="VectorInputAttribute"/>.</param>
/// <param name="InputSize">Vocabulary or vector width.</param>
/// <param name="Embedding">Embedding width (0: one-hot or vector input).</param>
/// <param name="Layers">The layer stack, bottom first (an encoder–decoder has this stack twice).</param>
/// <param name="Output">The head.</param>
/// <param name="OutputSize">Classes or values per output step.</param>
/// <param name="Precision">Element type.</param>
public sealed record ModelArchitecture(
    string Name, Topology Topology, int Steps, int Batch, int OutputSteps,
    bool TokenInput, int InputSize, int Embedding,
    IReadOnlyList<LayerArchitecture> Layers, HeadKind Output, int OutputSize, Precision Precision)
{
    /// <summary>
    /// Probability of dropping each input value while training (<see cref="VectorInputAttribute.Dropout"/>,
    /// <see cref="TokenInputAttribute.Dropout"/>); 0: none. Dropout does not change what the parameters mean, so
    /// <see cref="Network"/> leaves it out: a model with dropout and one without share parameters.
    /// </summary>
    public double InputDropout { get; init; }

    /// <summary>
    /// The decoder's attention over the encoder's outputs (<see cref="AttentionAttribute"/>, encoder–decoder only); null
    /// for none. Its tensors (<c>decoder.attention.*</c>) follow the decoder's recurrent layers.
    /// </summary>
    public AttentionKind? Attention { get; init; }

    /// <summary>Input feeding (<see cref="AttentionAttribute.InputFeeding"/>): the decoder's first layer also reads h̃_(t−1).</summary>
    public bool AttentionInputFeeding { get; init; }

    /// <summary>
    /// An encoder–decoder's decoder layers: <see cref="Layers"/> (the encoder's), except that a bidirectional layer starts
    /// a one-way decoder layer of twice its width and projection, whose initial h and c are the encoder layer's final
    /// states side by side, <c>[forward ; reverse]</c>. For other topologies, <see cref="Layers"/>.
    /// </summary>
    public IReadOnlyList<LayerArchitecture> DecoderLayers => Topology != Topology.EncoderDecoder
        ? Layers
        : Layers.Select(l => l.Bidirectional ? l with { Hidden = 2 * l.Hidden, Projection = 2 * l.Projection, Bidirectional = false } : l).ToArray();

    /// <summary>
    /// The class that ends a lane's generation (<see cref="RnnModelAttribute.EndToken"/>), or -1 for none: once a lane has
    /// chosen it, its later generated tokens repeat it. Like dropout, it does not change what the parameters mean, so
    /// <see cref="Network"/> leaves it out.
    /// </summary>
    public int EndToken { get; init; } = -1;

    /// <summary>
    /// The model as it is declared, one attribute after another, e.g.
    /// <c>CharLstm: [RnnModel(Steps = 64, Batch = 32)] [TokenInput(96)] [Lstm(256)] [Lstm(256)] [SoftmaxOutput(96)]</c>
    /// (settings at their defaults left out; an encoder–decoder's layers are its encoder's, which its decoder repeats).
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Name).Append(": [RnnModel(Steps = ").Append(Steps.ToString(CultureInfo.InvariantCulture))
            .Append(", Batch = ").Append(Batch.ToString(CultureInfo.InvariantCulture));
        if (Topology != Topology.ManyToMany)
            text.Append(", Topology = ").Append(Topology);
        if (Topology is Topology.OneToMany or Topology.EncoderDecoder)
            text.Append(", OutputSteps = ").Append(OutputSteps.ToString(CultureInfo.InvariantCulture));
        if (EndToken >= 0)
            text.Append(", EndToken = ").Append(EndToken.ToString(CultureInfo.InvariantCulture));
        if (Precision != Precision.Single)
            text.Append(", Precision = ").Append(Precision);
        text.Append(")] [").Append(TokenInput ? "TokenInput(" : "VectorInput(").Append(InputSize.ToString(CultureInfo.InvariantCulture));
        if (Embedding > 0)
            text.Append(", Embedding = ").Append(Embedding.ToString(CultureInfo.InvariantCulture));
        if (InputDropout > 0)
            text.Append(", Dropout = ").Append(InputDropout.ToString("R", CultureInfo.InvariantCulture));
        text.Append(")]");
        foreach (LayerArchitecture layer in Layers)
            text.Append(" [").Append(layer).Append(']');
        if (Attention is { } attention)
            text.Append(" [Attention(AttentionKind.").Append(attention).Append(AttentionInputFeeding ? ", InputFeeding = true" : "").Append(")]");
        text.Append(" [").Append(Output).Append("Output(").Append(OutputSize.ToString(CultureInfo.InvariantCulture)).Append(")]");
        return text.ToString();
    }

    /// <summary>
    /// The network as parameters see it: topology, input, layers and head (e.g. <c>ManyToMany, token input of 128,
    /// LSTM(256), softmax head of 128</c>), without the class name, steps, batch, output steps or precision, which do not
    /// change what the parameters mean. Checkpoints record it; models share parameters only when it is equal.
    /// </summary>
    public string Network
    {
        get
        {
            string input = TokenInput ? $"token input of {InputSize}{(Embedding > 0 ? $", embedding {Embedding}" : "")}" : $"vector input of {InputSize}";
            string layers = string.Join(" → ", Layers.Select(l =>
                $"{l.Cell.ToString().ToUpperInvariant()}({l.Hidden}{(l.Cell == CellType.Rnn ? ", " + l.Nonlinearity.ToString().ToLowerInvariant() : "")}{(l.Bidirectional ? ", bidirectional" : "")}{(l.IsLeaky ? ", " + l.LeakArgument : "")}{(l.Projection > 0 ? $", projection {l.Projection}" : "")})"));
            string attention = Attention is { } kind ? $", {kind.ToString().ToLowerInvariant()} attention{(AttentionInputFeeding ? " with input feeding" : "")}" : "";
            return FormattableString.Invariant($"{Topology}, {input}, {layers}{attention}, {Output.ToString().ToLowerInvariant()} head of {OutputSize}");
        }
    }
}
