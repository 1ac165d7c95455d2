namespace RnnGen.Generator.Model;

// The generator's own copies of the runtime enums (the generator cannot reference the runtime assembly).
// Values match RnnGen.Topology, RnnGen.Precision and RnnGen.Nonlinearity.
internal enum TopologyKind { ManyToMany = 0, ManyToOne = 1, OneToMany = 2, EncoderDecoder = 3 }

internal enum PrecisionKind { Single = 0, Double = 1 }

internal enum NonlinearityKind { Tanh = 0, Relu = 1 }

internal enum CellKind { Rnn, Lstm, Gru }

internal enum InputKind { Token, Vector }

internal enum HeadKind { Softmax, Linear, Sigmoid }

/// <summary>A type that encloses the model class, written back as <c>partial {Keyword} {Name}</c>.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>The input attribute: token ids (one-hot when <see cref="Embedding"/> is 0) or dense vectors.</summary>
internal sealed record InputSpec(InputKind Kind, int Size, int Embedding);

/// <summary>One recurrent layer of the stack, in source order.</summary>
internal sealed record LayerSpec(CellKind Cell, int Hidden, NonlinearityKind Nonlinearity, bool Bidirectional);

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
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    int Steps,
    int Batch,
    TopologyKind Topology,
    int OutputSteps,
    PrecisionKind Precision,
    InputSpec Input,
    EquatableArray<LayerSpec> Layers,
    OutputSpec Output)
{
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
