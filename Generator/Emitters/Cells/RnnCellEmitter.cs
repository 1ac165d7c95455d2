using System.Collections.Generic;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Cells;

/// <summary>
/// The vanilla (Elman) RNN, tanh or relu: <c>global::RnnGen.Cells.RnnCell</c>. It has no gate buffer: the input
/// projection lands in the layer's output h, each step adds h_(t-1)·W_hhᵀ and applies the nonlinearity in place, and
/// backward turns dL/dh into dL/dpre in place.
/// </summary>
internal sealed class RnnCellEmitter : CellEmitter
{
    public static readonly RnnCellEmitter Tanh = new(Nonlinearity.Tanh);
    public static readonly RnnCellEmitter Relu = new(Nonlinearity.Relu);

    private readonly Nonlinearity _nonlinearity;

    private RnnCellEmitter(Nonlinearity nonlinearity)
    {
        _nonlinearity = nonlinearity;
        string f = nonlinearity == Nonlinearity.Relu ? "relu" : "tanh";
        ForwardEquations = new[] { $"h_t = {f}(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)" };
        BackwardEquations = new[]
        {
            "dpre_t = dh_t⊙" + (nonlinearity == Nonlinearity.Relu ? "[h_t > 0]" : "(1 − h_t²)") + "   (in place over dh_t)",
            "dh_(t-1) += dpre_t·W_hh",
        };
    }

    public override IReadOnlyList<string> ForwardEquations { get; }

    public override IReadOnlyList<string> BackwardEquations { get; }

    public override string ProjectionName => "pre[t]";

    private string Activation => "global::RnnGen.Nonlinearity." + _nonlinearity;

    public override (Region Region, long Ld, long Column) ProjectionTarget(LayerPlan layer, DirectionPlan dir) =>
        (layer.Outputs, layer.OutWidth, dir.Reverse ? layer.Hidden : 0);

    public override (Region Region, long Ld, long Column) GateGradients(LayerPlan layer, DirectionPlan dir) =>
        (layer.HiddenGradient, layer.OutWidth, dir.Reverse ? layer.Hidden : 0);

    public override void EmitForwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial) { }

    public override void EmitBackwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial) { }

    public override void EmitForwardStep(ModelEmitter e, LayerPlan layer, StepSpans s)
    {
        e.W.Line(e.RecurrentProduct(layer, s, s.H, s.Ld, accumulate: true));
        e.W.Line($"{CellKernels}RnnCell.Forward({s.H}, ldh: {N(s.Ld)}, batch: {s.Rows}, hidden: {N(layer.Hidden)}, {Activation});");
    }

    public override void EmitBackwardStep(ModelEmitter e, LayerPlan layer, DirectionPlan dir, BackwardStepSpans s)
    {
        long ld = layer.OutWidth;
        e.W.Line($"{CellKernels}RnnCell.Backward({s.Dh}, lddh: {N(ld)}, {s.H}, ldh: {N(ld)}, batch: {s.Rows}, hidden: {N(layer.Hidden)}, {Activation});");
        if (s.DhPrevious is not null)
            e.W.Line(e.RecurrentGradientProduct(layer, s.Rows, s.Dh, ld, s.DhPrevious, s.LdPrevious, s.Accumulate, s.Mask));
    }

    /// <summary>The step computes into the gate scratch (h_(t-1) must stay readable during the product), then becomes h.</summary>
    public override StepSpans SingleStep(LayerPlan layer) =>
        new("1", "h", layer.Hidden, "", "gates", "", "", "gates", layer.GateWidth, Packed: false);

    public override void EmitSingleStepEnd(ModelEmitter e, LayerPlan layer) => e.W.Line("gates.CopyTo(h);");
}
