namespace RnnGen;

// The generator compiles this file too (its own copy, internal there), so the declaration and the generated code
// agree on every value.
/// <summary>Recurrent cell of a layer.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum CellType
{
    /// <summary>Vanilla (Elman) RNN.</summary>
    Rnn,

    /// <summary>Long short-term memory.</summary>
    Lstm,

    /// <summary>Gated recurrent unit.</summary>
    Gru,
}
