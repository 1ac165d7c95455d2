namespace RnnGen;

// The generator compiles this file too (its own copy, internal there), so the declaration and the generated code
// agree on every value.
/// <summary>Element type of a generated model.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum Precision
{
    /// <summary>32-bit <see cref="float"/>: the default, and the fast path.</summary>
    Single = 0,

    /// <summary>64-bit <see cref="double"/>: for exact gradient checks and numerically delicate work.</summary>
    Double = 1,
}
