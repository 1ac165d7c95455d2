using System.Collections.Generic;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Cells;

/// <summary>
/// Everything the generated code does that depends on the kind of recurrent cell: its equations, forward and backward,
/// where its input projection lands, the locals of its unrolled blocks, one step forward, one step backward, and where
/// its pre-activation gradients are for the weight gradients. One subclass per cell (<see cref="RnnCellEmitter"/>,
/// <see cref="LstmCellEmitter"/>, <see cref="GruCellEmitter"/>); the model emitter never switches on the cell. What the
/// plan must reserve for a cell (its gate count, the activations its backward reads) stays in <see cref="ModelPlan"/>,
/// which sizes the buffers before any code is written; docs/ARCHITECTURE.md lists every step of adding a cell.
/// </summary>
internal abstract class CellEmitter
{
    /// <summary>The emitter of <paramref name="layer"/>'s cell.</summary>
    public static CellEmitter For(LayerPlan layer) => layer.Cell switch
    {
        CellType.Lstm => layer.IsProjected ? LstmCellEmitter.Projected : LstmCellEmitter.Instance,
        CellType.Gru => GruCellEmitter.Instance,
        _ when layer.Spec.IsLeaky => new LeakyRnnCellEmitter(layer.Spec),
        _ => layer.Spec.Nonlinearity == Nonlinearity.Relu ? RnnCellEmitter.Relu : RnnCellEmitter.Tanh,
    };

    /// <summary>One step forward, as equations (PyTorch's conventions).</summary>
    public abstract IReadOnlyList<string> ForwardEquations { get; }

    /// <summary>One step backward: from dL/dh_t (and what flows from step t + 1) to the pre-activation gradients and dL/dh_(t-1).</summary>
    public abstract IReadOnlyList<string> BackwardEquations { get; }

    /// <summary>What the input projection of step t holds, in the equations' names.</summary>
    public virtual string ProjectionName => "gates[t]";

    /// <summary>The biases folded into the input projection.</summary>
    public virtual string ProjectionBias => "b_ih + b_hh";

    /// <summary>How the weight gradients read the pre-activation gradients, when that needs saying.</summary>
    public virtual string WeightGradientNote => "";

    /// <summary>Whether a backward block reads the outputs h (the LSTM reads c instead).</summary>
    public virtual bool BackwardReadsOutputs => true;

    /// <summary>Whether a backward block that starts from the initial state reads h0.</summary>
    public virtual bool BackwardReadsInitialH => false;

    /// <summary>Whether forward needs the parameters even when W_hh is packed (the GRU reads b_hn, a projected LSTM W_hr).</summary>
    public virtual bool ForwardReadsParameters => false;

    /// <summary>Whether a backward block needs the parameters even when W_hh is packed (a projected LSTM reads W_hr).</summary>
    public virtual bool BackwardReadsParameters => false;

    /// <summary>
    /// <c>b_ih + b_hh</c>, the bias added once to every row of the input projection, into <paramref name="span"/> from
    /// <paramref name="offset"/> (the G·H values there).
    /// </summary>
    public virtual void EmitBiasSum(SourceWriter w, DirectionPlan dir, string p, string span, string offset) =>
        w.Line($"{Kernels}Bias.Sum({Whole(p, dir.BiasIh)}, {Whole(p, dir.BiasHh)}, {Slice(span, offset, dir.BiasIh.Length)});");

    /// <summary>What the comment on the input projection adds about the biases, when anything.</summary>
    public virtual string ProjectionNote => "";

    /// <summary>Where a direction's input projection lands (a column offset inside rows of width Ld).</summary>
    public virtual (Region Region, long Ld, long Column) ProjectionTarget(LayerPlan layer, DirectionPlan dir) => (dir.Gates!, layer.GateWidth, 0);

    /// <summary>Where backward leaves a direction's pre-activation gradients, which the weight gradients read.</summary>
    public virtual (Region Region, long Ld, long Column) GateGradients(LayerPlan layer, DirectionPlan dir) => (dir.Gates!, layer.GateWidth, 0);

    /// <summary>
    /// The input-side pre-activation gradients of a direction over <paramref name="rows"/> rows (a constant or a C# expression), as blocks of gate
    /// columns: (span, ld, width, first row of W_ih and b_ih).
    /// </summary>
    public virtual IEnumerable<(string Block, long Ld, long Width, long FirstRow)> InputSideBlocks(ModelEmitter e, LayerPlan layer, DirectionPlan dir, string rows)
    {
        (Region dg, long ldg, long col) = GateGradients(layer, dir);
        yield return (e.RegionRows(dg == layer.HiddenGradient ? "s" : "a", dg, ldg, col, rows, layer.GateWidth), ldg, layer.GateWidth, 0);
    }

    /// <summary>The cell's own locals in a block of forward steps (after <c>h</c> and <c>h0</c>).</summary>
    public abstract void EmitForwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial);

    /// <summary>The cell's own locals in a block of backward steps.</summary>
    public abstract void EmitBackwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial);

    /// <summary>One step forward: the recurrent product, then the fused pointwise cell.</summary>
    public abstract void EmitForwardStep(ModelEmitter e, LayerPlan layer, StepSpans s);

    /// <summary>One step backward: the pointwise backward, then dL/dh_(t-1) += dgates·W_hh.</summary>
    public abstract void EmitBackwardStep(ModelEmitter e, LayerPlan layer, DirectionPlan dir, BackwardStepSpans s);

    /// <summary>
    /// Weight gradients beyond dW_ih, dW_hh and the biases, after a direction's recurrence (a projected LSTM's dW_hr),
    /// over <paramref name="rows"/> rows (a constant or a C# expression).
    /// </summary>
    public virtual void EmitExtraWeightGradients(ModelEmitter e, LayerPlan layer, DirectionPlan dir, string rows) { }

    /// <summary>What a direction's backward pass carries in before its last step (the LSTM's dL/dc).</summary>
    public virtual void EmitBackwardStart(ModelEmitter e, LayerPlan layer, DirectionPlan dir) { }

    /// <summary>
    /// The cell's locals for single-step inference of one lane (inside the layer's own block of <c>Step</c>): state
    /// rows and scratch beyond <c>gates</c>, <c>wHh</c> and <c>h</c>.
    /// </summary>
    public virtual void EmitSingleStepLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir) { }

    /// <summary>The spans of single-step inference for one lane, where <c>h</c> is the lane's state row of this layer.</summary>
    public virtual StepSpans SingleStep(LayerPlan layer) =>
        new("1", "h", layer.StateWidth, "c", "gates", "c", "hn", "h", layer.StateWidth, Packed: false);

    /// <summary>Anything left after the forward step in single-step inference (the vanilla RNN computes into the gate scratch).</summary>
    public virtual void EmitSingleStepEnd(ModelEmitter e, LayerPlan layer) { }
}

/// <summary>
/// The C# expressions one forward step of one direction works on: <paramref name="Rows"/> lanes, h_(t-1) (rows
/// <paramref name="LdPrev"/> apart), c_(t-1), the gates of step t, c_t, the GRU's h_(t-1)·W_hnᵀ + b_hn, and h_t (rows
/// <paramref name="Ld"/> apart); <paramref name="Packed"/>: the product reads the packed W_hh, else <c>wHh</c> as stored.
/// </summary>
internal sealed record StepSpans(string Rows, string HPrev, long LdPrev, string CPrev, string Gates, string Cell, string RecurrentN, string H, long Ld, bool Packed)
{
    /// <summary>A projected LSTM's m_t = o⊙tanh(c_t) of the step, rows of H (h_t = m_t·W_hrᵀ); null for other layers.</summary>
    public string? Unprojected { get; init; }

    /// <summary>What the recurrent product reads instead of <see cref="HPrev"/> (same rows and stride): h_(t-1)⊙m under recurrent dropout.</summary>
    public string? ProductInput { get; init; }

    /// <summary>The index of the direction's W_hh among the model's reduced-precision weights (<c>_rnnReduced</c>), which an
    /// unpacked product reads when a <c>WeightFormat</c> is set; null for a double model, which has none.</summary>
    public int? ReducedMatrix { get; init; }
}

/// <summary>
/// The C# expressions one backward step of one direction works on, over <paramref name="Rows"/> lanes: the gates of
/// step t (overwritten by their gradients), c_t and c_(t-1) (LSTM), h_t, h_(t-1) (rows <paramref name="LdPrev"/> apart)
/// and h_(t-1)·W_hnᵀ + b_hn (GRU), dL/dc (LSTM), dL/dh_t; <paramref name="DhPrevious"/> receives dL/dh_(t-1) (null: it
/// goes nowhere), rows <paramref name="LdPrevious"/> apart, added to what is there when <paramref name="Accumulate"/>.
/// <paramref name="StartsHere"/>: step t reads the initial state, whose gradient (decoders) goes to
/// <paramref name="InitialStateGradient"/>.
/// </summary>
internal sealed record BackwardStepSpans(string Rows, string Gates, string Cell, string CPrev, string H, string HPrev, long LdPrev, string RecurrentN, string Dc,
    string Dh, string? DhPrevious, long LdPrevious, bool Accumulate, bool StartsHere, Region? InitialStateGradient)
{
    /// <summary>A projected LSTM's dL/dm_t = dh_t·W_hr for the step's rows (scratch, rows of H); null for other layers.</summary>
    public string? Dm { get; init; }

    /// <summary>Under recurrent dropout, the rows of the mask m these lanes' h_(t-1) went through (H wide); its gradient goes through it too.</summary>
    public string? Mask { get; init; }
}
