namespace RnnGen;

/// <summary>
/// The model reads integer token ids in <c>[0, vocabulary)</c>, time-major <c>[Steps, Batch]</c>.
/// With <see cref="Embedding"/> = 0 a token is one-hot (its column of <c>weight_ih_l0</c> is gathered, no matrix product);
/// with <see cref="Embedding"/> = E a learned <c>embedding.weight [vocabulary, E]</c> maps it to a vector first.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TokenInputAttribute(int vocabulary) : Attribute
{
    /// <summary>Number of distinct token ids.</summary>
    public int Vocabulary { get; } = vocabulary;

    /// <summary>Width of the learned embedding; 0 (default) means one-hot input.</summary>
    public int Embedding { get; set; }

    /// <summary>
    /// Probability in [0, 1) of dropping each value of the embedded input while training (scaled by 1/(1 − p), inverted
    /// dropout). Needs an <see cref="Embedding"/>: a one-hot input has nothing to drop but the token. Default 0.
    /// </summary>
    public double Dropout { get; set; }
}

/// <summary>The model reads dense vectors of <paramref name="size"/> values per step, time-major <c>[Steps, Batch, size]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class VectorInputAttribute(int size) : Attribute
{
    /// <summary>Values per input vector.</summary>
    public int Size { get; } = size;

    /// <summary>Probability in [0, 1) of dropping each input value while training (scaled by 1/(1 − p), inverted dropout). Default 0.</summary>
    public double Dropout { get; set; }
}
