namespace RnnGen;

/// <summary>
/// Global attention for a <see cref="Topology.EncoderDecoder"/> model (Luong et al. 2015): at every output step the
/// decoder's top layer h_t scores each encoder output ē_s of its lane's real source steps, the weights
/// a_t = softmax(score(h_t, ē_s)) mix them into a context c_t = Σ_s a_ts·ē_s, and the head reads the attentional state
/// h̃_t = tanh(W_c·[c_t ; h_t]) (<c>decoder.attention.out.weight</c> <c>[D, E + D]</c>) instead of h_t.
/// The weights of the last pass are the model's <c>AttentionWeights</c>, <c>[OutputSteps, Batch, Steps]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AttentionAttribute(AttentionKind kind) : Attribute
{
    /// <summary>The score function: <see cref="AttentionKind.Dot"/>, <see cref="AttentionKind.General"/> or <see cref="AttentionKind.Additive"/>.</summary>
    public AttentionKind Kind { get; } = kind;

    /// <summary>
    /// Input feeding (Luong et al. 2015, §3.3): the decoder's first layer also reads the previous step's attentional state,
    /// x'_t = [x_t ; h̃_(t−1)] (h̃_(−1) = 0), through <c>decoder.attention.feed.weight</c> <c>[G·H, D]</c> (PyTorch's
    /// <c>weight_ih_l0</c> of the concatenated input is <c>cat(decoder.rnn.weight_ih_l0, decoder.attention.feed.weight, 1)</c>),
    /// so the decoder knows where it attended before. The teacher-forced decoder then runs one step at a time. Default false.
    /// </summary>
    public bool InputFeeding { get; set; }
}
