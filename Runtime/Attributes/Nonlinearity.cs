namespace RnnGen;

/// <summary>Activation of a vanilla <see cref="RnnAttribute"/> layer, as PyTorch's <c>nn.RNN(nonlinearity=…)</c>.</summary>
public enum Nonlinearity
{
    /// <summary><c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c>.</summary>
    Tanh = 0,

    /// <summary><c>h' = max(0, W_ih x + b_ih + W_hh h + b_hh)</c>.</summary>
    Relu = 1,
}
