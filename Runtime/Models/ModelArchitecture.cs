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
    IReadOnlyList<LayerArchitecture> Layers, HeadKind Output, int OutputSize, Precision Precision);
