namespace RnnGen.Generator;

/// <summary>
/// The decoder's global attention over the encoder's outputs (Luong et al. 2015): its tensors (after the decoder's
/// recurrent layers, before the head, in <c>state_dict</c> order) and the regions its forward and backward passes keep.
/// Sizes: E, the width of an encoder output ē_s (the encoder's top layer, both directions); D, the width of the decoder's
/// top h_t, and of the attentional state h̃_t the head reads.
/// </summary>
internal sealed class AttentionPlan
{
    public AttentionPlan(AttentionKind kind, long memoryWidth, long queryWidth)
    {
        Kind = kind;
        E = memoryWidth;
        D = queryWidth;
    }

    public AttentionKind Kind { get; }

    /// <summary>Width of an encoder output ē_s.</summary>
    public long E { get; }

    /// <summary>Width of the decoder's top h_t and of h̃_t.</summary>
    public long D { get; }

    /// <summary>
    /// The width the scores compare in: ē_s itself for dot and general (the general score's q·W_a is E wide), the
    /// hidden width of the additive score's tanh (D, as OpenNMT's "mlp" attention).
    /// </summary>
    public long ScoreWidth => Kind == AttentionKind.Additive ? D : E;

    public string KindName => Kind switch
    {
        AttentionKind.Dot => "dot",
        AttentionKind.General => "general",
        _ => "additive",
    };

    /// <summary>The score function as the generated comments write it.</summary>
    public string ScoreEquation => Kind switch
    {
        AttentionKind.Dot => "e_ts = h_t·ē_s",
        AttentionKind.General => "e_ts = (h_t·W_a)·ē_s",
        _ => "e_ts = v·tanh(h_t·W_qᵀ + b_q + ē_s·W_kᵀ)",
    };

    /// <summary>General: W_a <c>[D, E]</c>.</summary>
    public TensorPlan? Weight { get; set; }

    /// <summary>Additive: W_q <c>[D, D]</c>, b_q <c>[D]</c>, W_k <c>[D, E]</c>, v <c>[1, D]</c>.</summary>
    public TensorPlan? QueryWeight { get; set; }
    public TensorPlan? QueryBias { get; set; }
    public TensorPlan? KeyWeight { get; set; }
    public TensorPlan? V { get; set; }

    /// <summary>Input feeding: the decoder's first layer also reads h̃_(t−1), through <see cref="FeedWeight"/>.</summary>
    public bool Feeds { get; init; }

    /// <summary>Input feeding's W_f <c>[G·H, D]</c> (the h̃ columns of the first decoder layer's input weights).</summary>
    public TensorPlan? FeedWeight { get; set; }

    /// <summary>Input feeding in the decoder step: the chunk's rows of h̃_(t−1) from the caller's states, <c>[Batch, D]</c>.</summary>
    public Region? StepFeed { get; set; }

    /// <summary>W_c <c>[D, E + D]</c>: h̃_t = tanh(W_c·[c_t ; h_t]).</summary>
    public TensorPlan OutWeight { get; set; } = null!;

    /// <summary>The encoder's top outputs ē, <c>[Steps, Batch, E]</c> in the caller's lane order, 0 at padded steps.</summary>
    public Region Memory { get; set; } = null!;

    /// <summary>The attention weights a, <c>[OutputSteps, Batch, Steps]</c> (0 past a lane's source length).</summary>
    public Region Weights { get; set; } = null!;

    /// <summary>The contexts c_t = Σ_s a_ts·ē_s, <c>[OutputSteps, Batch, E]</c>.</summary>
    public Region Context { get; set; } = null!;

    /// <summary>h̃_t, <c>[OutputSteps, Batch, D]</c>: what the head reads.</summary>
    public Region Attentional { get; set; } = null!;

    /// <summary>General: q_t = h_t·W_a <c>[OutputSteps, Batch, E]</c>; additive: q_t = h_t·W_qᵀ + b_q <c>[OutputSteps, Batch, D]</c>.</summary>
    public Region? Query { get; set; }

    /// <summary>Additive: the keys k_s = ē_s·W_kᵀ, <c>[Steps, Batch, D]</c>, once per pass.</summary>
    public Region? Keys { get; set; }

    /// <summary>Scratch of backward: dL/dh̃ (then dL/du in place), dL/dc (then, general, dL/dq), dL/da (then dL/de), dL/dē.</summary>
    public Region AttentionalGradient { get; set; } = null!;
    public Region ContextGradient { get; set; } = null!;
    public Region ScoreGradient { get; set; } = null!;
    public Region MemoryGradient { get; set; } = null!;

    /// <summary>Additive: dL/dq <c>[OutputSteps, Batch, D]</c> and dL/dk <c>[Steps, Batch, D]</c>.</summary>
    public Region? QueryGradient { get; set; }
    public Region? KeyGradient { get; set; }
}
