namespace RnnGen;

/// <summary>
/// Marks a <c>partial class</c> as a recurrent model that RnnGen compiles at build time.
/// Combine with one input attribute (<see cref="TokenInputAttribute"/> or <see cref="VectorInputAttribute"/>),
/// one or more layer attributes (<see cref="RnnAttribute"/>, <see cref="LstmAttribute"/>, <see cref="GruAttribute"/>,
/// stacked in source order) and one output attribute
/// (<see cref="SoftmaxOutputAttribute"/>, <see cref="LinearOutputAttribute"/>, <see cref="SigmoidOutputAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>Number of input time steps T unrolled into the generated code (1 to 4096). Required.</summary>
    public int Steps { get; set; }

    /// <summary>Number of sequences processed side by side (B). Default 1.</summary>
    public int Batch { get; set; } = 1;

    /// <summary>Shape of the unrolled graph. Default <see cref="RnnGen.Topology.ManyToMany"/>.</summary>
    public Topology Topology { get; set; } = Topology.ManyToMany;

    /// <summary>Number of output steps for <see cref="RnnGen.Topology.OneToMany"/> and <see cref="RnnGen.Topology.EncoderDecoder"/>.</summary>
    public int OutputSteps { get; set; }

    /// <summary>
    /// The class id that ends a generated sequence, for <see cref="RnnGen.Topology.OneToMany"/> and
    /// <see cref="RnnGen.Topology.EncoderDecoder"/> models with a <see cref="SoftmaxOutputAttribute"/>: once a lane's
    /// decoding chooses it, that lane's later <c>Generated</c> tokens are this id and its <c>GeneratedLengths</c> entry
    /// counts the steps up to and including it. Default -1: no end token (every lane generates <c>OutputSteps</c> tokens).
    /// </summary>
    public int EndToken { get; set; } = -1;

    /// <summary>Element type of parameters and activations. Default <see cref="RnnGen.Precision.Single"/> (<see cref="float"/>).</summary>
    public Precision Precision { get; set; } = Precision.Single;
}
