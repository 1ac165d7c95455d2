namespace RnnGen.Generator.Model;

// Topology, Precision, Nonlinearity, CellType and HeadKind are the runtime's own enums, compiled into the generator
// (see the project file).

internal enum InputKind { Token, Vector }

/// <summary>A type that encloses the model class, written back as <c>partial {Keyword} {Name}</c>.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>
/// The input attribute: token ids (one-hot when <see cref="Embedding"/> is 0) or dense vectors; <see cref="Dropout"/>:
/// the probability of dropping each value of the (embedded) input while training.
/// </summary>
internal sealed record InputSpec(InputKind Kind, int Size, int Embedding, double Dropout = 0);

/// <summary>
/// One recurrent layer of the stack, in source order; <see cref="Dropout"/> drops its output on the way up, and
/// <see cref="RecurrentDropout"/> its h_(t-1) in the recurrent product (one mask per lane per pass), while training.
/// <see cref="Projection"/>: the LSTM's projection width P (PyTorch's <c>proj_size</c>), 0 for none.
/// </summary>
internal sealed record LayerSpec(CellType Cell, int Hidden, Nonlinearity Nonlinearity, bool Bidirectional, double Dropout = 0, double RecurrentDropout = 0, int Projection = 0)
{
    /// <summary>The RNN's constant leak α in (0, 1]; 1 is the plain RNN.</summary>
    public double Leak { get; init; } = 1;

    /// <summary>The RNN learns its leak per unit, α = σ(a).</summary>
    public bool LearnedLeak { get; init; }

    /// <summary>Leaky units (h_t mixes h_(t-1) and the new activation); a leak of exactly 1 is the plain RNN and emits its code.</summary>
    public bool IsLeaky => LearnedLeak || Leak != 1;
}

/// <summary>The output head.</summary>
internal sealed record OutputSpec(HeadKind Kind, int Size);

/// <summary>
/// Everything the emitter needs about one declared model: only strings, numbers, enums and equatable arrays,
/// so the incremental pipeline caches it by value (no symbols, syntax nodes or compilations).
/// </summary>
internal sealed record ModelSpec(
    string Namespace,
    string ClassName,
    string TypeKeyword,
    bool IsSealed,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    int Steps,
    int Batch,
    Topology Topology,
    int OutputSteps,
    Precision Precision,
    InputSpec Input,
    EquatableArray<LayerSpec> Layers,
    OutputSpec Output,
    int EndToken = -1)
{
    /// <summary>The decoder's attention over the encoder's outputs (encoder–decoder only); null for none.</summary>
    public AttentionKind? Attention { get; init; }

    /// <summary>Input feeding: the decoder's first layer also reads the previous step's attentional state h̃_(t−1).</summary>
    public bool AttentionInputFeeding { get; init; }

    /// <summary>
    /// The type's full name with containing types joined by '+', as in metadata (<c>Demo.Outer+Model</c>): distinct for a
    /// nested type and a namespace of the same dotted name. The hint name is this plus <c>.g.cs</c>, unless another model's
    /// name differs only in case (see <see cref="RnnGenerator"/>).
    /// </summary>
    public string FullName
    {
        get
        {
            string types = string.Join("+", System.Linq.Enumerable.Select(ContainingTypes, t => t.Name)) + (ContainingTypes.Count > 0 ? "+" : "") + ClassName;
            return Namespace.Length > 0 ? Namespace + "." + types : types;
        }
    }
}
