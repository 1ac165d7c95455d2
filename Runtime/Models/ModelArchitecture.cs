namespace RnnGen;

/// <summary>One layer of a declared model.</summary>
public sealed record LayerArchitecture(CellType Cell, int Hidden, Nonlinearity Nonlinearity, bool Bidirectional)
{
    /// <summary>Gate blocks of the cell, each <see cref="Hidden"/> rows of W_ih and W_hh: LSTM 4 (i, f, g, o), GRU 3 (r, z, n), RNN 1.</summary>
    public int Gates => Cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
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
                $"{l.Cell.ToString().ToUpperInvariant()}({l.Hidden}{(l.Cell == CellType.Rnn ? ", " + l.Nonlinearity.ToString().ToLowerInvariant() : "")}{(l.Bidirectional ? ", bidirectional" : "")})"));
            return FormattableString.Invariant($"{Topology}, {input}, {layers}, {Output.ToString().ToLowerInvariant()} head of {OutputSize}");
        }
    }
}
