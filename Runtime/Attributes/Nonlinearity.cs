namespace RnnGen;

// The generator compiles this file too (its own copy, internal there), so the declaration and the generated code
// agree on every value.
/// <summary>Activation of a vanilla <see cref="RnnAttribute"/> layer, as PyTorch's <c>nn.RNN(nonlinearity=…)</c>.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum Nonlinearity
{
    /// <summary><c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c>.</summary>
    Tanh = 0,

    /// <summary><c>h' = max(0, W_ih x + b_ih + W_hh h + b_hh)</c>.</summary>
    Relu = 1,
}
