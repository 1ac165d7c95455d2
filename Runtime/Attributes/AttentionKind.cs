namespace RnnGen;

// The generator compiles this file too (its own copy, internal there), so the declaration and the generated code
// agree on every value.
/// <summary>
/// How the decoder scores each encoder output (Luong et al. 2015, §3.1): q is the decoder's top h at step t, k an
/// encoder output, a = softmax over the source steps of the scores.
/// </summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum AttentionKind
{
    /// <summary>Luong's dot score, <c>score(q, k) = q·k</c>: no parameters; q and k have the same width.</summary>
    Dot = 0,

    /// <summary>Luong's general score, <c>score(q, k) = q·W_a·k</c> with <c>decoder.attention.weight</c> W_a <c>[D, E]</c>.</summary>
    General = 1,

    /// <summary>
    /// Bahdanau's additive score (Luong's "concat"), <c>score(q, k) = v·tanh(W_q·q + b_q + W_k·k)</c>, with
    /// <c>decoder.attention.query</c> (weight <c>[D, D]</c>, bias <c>[D]</c>), <c>decoder.attention.key.weight</c>
    /// <c>[D, E]</c> and <c>decoder.attention.v.weight</c> <c>[1, D]</c>.
    /// </summary>
    Additive = 2,
}
