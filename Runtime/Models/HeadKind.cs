namespace RnnGen;

// The generator compiles this file too (its own copy, internal there), so the declaration and the generated code
// agree on every value.
/// <summary>Kind of output head.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum HeadKind
{
    /// <summary>Softmax over classes, cross-entropy loss.</summary>
    Softmax,

    /// <summary>No activation, squared-error loss.</summary>
    Linear,

    /// <summary>Element-wise sigmoid, binary cross-entropy loss.</summary>
    Sigmoid,
}
