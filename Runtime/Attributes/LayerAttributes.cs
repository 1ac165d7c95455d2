namespace RnnGen;

/// <summary>A vanilla (Elman) recurrent layer: <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c> (or relu). Layers stack in source order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RnnAttribute(int hidden) : Attribute
{
    /// <summary>Hidden units H.</summary>
    public int Hidden { get; } = hidden;

    /// <summary>Activation; default <see cref="RnnGen.Nonlinearity.Tanh"/>.</summary>
    public Nonlinearity Nonlinearity { get; set; } = Nonlinearity.Tanh;

    /// <summary>Adds a reverse direction; the layer output is <c>[forward ; reverse]</c> (width 2H).</summary>
    public bool Bidirectional { get; set; }

    /// <summary>
    /// Probability in [0, 1) of dropping each value of this layer's output on its way up (into the next layer, or into the
    /// head) while training: Zaremba et al. 2014 put dropout on every non-recurrent connection. Kept values are scaled by
    /// 1/(1 − p) (inverted dropout), so evaluation drops nothing and scales nothing. Default 0.
    /// </summary>
    public double Dropout { get; set; }

    /// <summary>
    /// Probability in [0, 1) of dropping each unit of h_(t−1) in the recurrent product while training, with one mask per
    /// lane per pass, the same at every step (variational dropout, Gal &amp; Ghahramani 2016; Keras's <c>recurrent_dropout</c>).
    /// Default 0.
    /// </summary>
    public double RecurrentDropout { get; set; }

    /// <summary>
    /// Leaky units: <c>h' = (1 − α)⊙h + α⊙f(W_ih x + b_ih + W_hh h + b_hh)</c> with the constant α = <c>Leak</c> in (0, 1];
    /// default 1, the plain RNN.
    /// </summary>
    public double Leak { get; set; } = 1;

    /// <summary>
    /// Leaky units with a learned leak per unit, <c>α = σ(a)</c>; <c>a</c> is the parameter <c>rnn.leak_l{k}</c>
    /// (<c>…_reverse</c>), initialized to 0 (α = 0.5). Not together with <see cref="Leak"/>.
    /// </summary>
    public bool LearnedLeak { get; set; }
}

/// <summary>A long short-term memory layer with PyTorch's gate order i, f, g, o. Layers stack in source order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute(int hidden) : Attribute
{
    /// <summary>Hidden units H (the cell state has the same width).</summary>
    public int Hidden { get; } = hidden;

    /// <summary>Adds a reverse direction; the layer output is <c>[forward ; reverse]</c> (width 2H, or 2P when projected).</summary>
    public bool Bidirectional { get; set; }

    /// <summary>
    /// Probability in [0, 1) of dropping each value of this layer's output on its way up (into the next layer, or into the
    /// head) while training: Zaremba et al. 2014 put dropout on every non-recurrent connection. Kept values are scaled by
    /// 1/(1 − p) (inverted dropout), so evaluation drops nothing and scales nothing. Default 0.
    /// </summary>
    public double Dropout { get; set; }

    /// <summary>
    /// Probability in [0, 1) of dropping each unit of h_(t−1) in the recurrent product while training, with one mask per
    /// lane per pass, the same at every step (variational dropout, Gal &amp; Ghahramani 2016; Keras's <c>recurrent_dropout</c>).
    /// Default 0.
    /// </summary>
    public double RecurrentDropout { get; set; }

    /// <summary>
    /// Projection width P (PyTorch's <c>proj_size</c>; LSTMP, Sak et al. 2014): <c>h_t = (o⊙tanh(c_t))·W_hrᵀ</c> with
    /// <c>weight_hr_l{k}</c> of shape [P, H], so h, the layer's output and the recurrence have width P while c keeps H.
    /// 0 (the default) means no projection; otherwise 0 &lt; P &lt; H.
    /// </summary>
    public int Projection { get; set; }
}

/// <summary>A gated recurrent unit layer with PyTorch's gate order r, z, n. Layers stack in source order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute(int hidden) : Attribute
{
    /// <summary>Hidden units H.</summary>
    public int Hidden { get; } = hidden;

    /// <summary>Adds a reverse direction; the layer output is <c>[forward ; reverse]</c> (width 2H).</summary>
    public bool Bidirectional { get; set; }

    /// <summary>
    /// Probability in [0, 1) of dropping each value of this layer's output on its way up (into the next layer, or into the
    /// head) while training: Zaremba et al. 2014 put dropout on every non-recurrent connection. Kept values are scaled by
    /// 1/(1 − p) (inverted dropout), so evaluation drops nothing and scales nothing. Default 0.
    /// </summary>
    public double Dropout { get; set; }

    /// <summary>
    /// Probability in [0, 1) of dropping each unit of h_(t−1) in the recurrent product while training, with one mask per
    /// lane per pass, the same at every step (variational dropout, Gal &amp; Ghahramani 2016; Keras's <c>recurrent_dropout</c>).
    /// Default 0.
    /// </summary>
    public double RecurrentDropout { get; set; }
}
