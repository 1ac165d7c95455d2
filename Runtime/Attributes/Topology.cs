namespace RnnGen;

// The generator compiles this file too (its own copy, internal there), so the declaration and the generated code
// agree on every value.
/// <summary>How inputs and outputs line up over time.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum Topology
{
    /// <summary>An output at every input step (tagging, character language models).</summary>
    ManyToMany = 0,

    /// <summary>One output after the last input step (sequence classification, regression).</summary>
    ManyToOne = 1,

    /// <summary>One input, then <see cref="RnnModelAttribute.OutputSteps"/> outputs (captioning, generation).</summary>
    OneToMany = 2,

    /// <summary>An encoder over the inputs whose final state starts a decoder over <see cref="RnnModelAttribute.OutputSteps"/> outputs.</summary>
    EncoderDecoder = 3,
}
