using System.Collections.Generic;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Cells;

/// <summary>
/// The LSTM (PyTorch's gate order i, f, g, o): <c>global::RnnGen.Cells.LstmCell</c> does the pointwise math. The projected
/// LSTM (LSTMP, Sak et al. 2014; PyTorch's <c>proj_size</c>) runs the same cell into m = o⊙tanh(c) and then multiplies
/// h = m·W_hrᵀ, so h, and with it the recurrence, has width P instead of H.
/// </summary>
internal sealed class LstmCellEmitter : CellEmitter
{
    public static readonly LstmCellEmitter Instance = new(projected: false);

    /// <summary>The projected LSTM's emitter.</summary>
    public static readonly LstmCellEmitter Projected = new(projected: true);

    private readonly bool _projected;

    private LstmCellEmitter(bool projected)
    {
        _projected = projected;
        ForwardEquations = projected
            ? new[]
            {
                "[i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh   (h has the projected width P; W_hh is [4H, P])",
                "i, f, o = σ(·);  g = tanh(·)",
                "c_t = f⊙c_(t-1) + i⊙g;  m_t = o⊙tanh(c_t);  h_t = m_t·W_hrᵀ   (W_hr: [P, H])",
            }
            : new[]
            {
                "[i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh",
                "i, f, o = σ(·);  g = tanh(·)",
                "c_t = f⊙c_(t-1) + i⊙g;  h_t = o⊙tanh(c_t)",
            };
        BackwardEquations = projected
            ? new[]
            {
                "dm = dh_t·W_hr   (dL/dm_t; dW_hr += dh_tᵀ·m_t is one product over all steps afterwards)",
                "τ = tanh(c_t);  do = dm⊙τ⊙o(1−o);  dc += dm⊙o⊙(1−τ²)   (dc: dL/dc_t, carried from step t + 1)",
                "di = dc⊙g⊙i(1−i);  df = dc⊙c_(t-1)⊙f(1−f);  dg = dc⊙i⊙(1−g²);  then dc ← dc⊙f, which is dL/dc_(t-1)",
                "(i f g o) are overwritten in place by (di df dg do);  dh_(t-1) += [di df dg do]·W_hh",
            }
            : new[]
            {
                "τ = tanh(c_t);  do = dh_t⊙τ⊙o(1−o);  dc += dh_t⊙o⊙(1−τ²)   (dc: dL/dc_t, carried from step t + 1)",
                "di = dc⊙g⊙i(1−i);  df = dc⊙c_(t-1)⊙f(1−f);  dg = dc⊙i⊙(1−g²);  then dc ← dc⊙f, which is dL/dc_(t-1)",
                "(i f g o) are overwritten in place by (di df dg do);  dh_(t-1) += [di df dg do]·W_hh",
            };
    }

    public override IReadOnlyList<string> ForwardEquations { get; }

    public override IReadOnlyList<string> BackwardEquations { get; }

    public override bool BackwardReadsOutputs => false;

    public override bool ForwardReadsParameters => _projected;

    public override bool BackwardReadsParameters => _projected;

    public override void EmitForwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        EmitStateLocals(e, layer, dir, readsInitial);
        if (!_projected) return;
        e.W.Line($"var mt = {Whole("a", dir.Unprojected!)}; // m_t = o⊙tanh(c_t), [{layer.Stack.RowsName}, {layer.Hidden}]");
        e.W.Line($"var wHr = {Whole("p", dir.WeightHr!)}; // [{layer.Projection}, {layer.Hidden}]");
    }

    /// <summary>The gates, c and c0 (forward and backward alike).</summary>
    private static void EmitStateLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        e.W.Line($"var gates = {Whole("a", dir.Gates!)}; // [{layer.Stack.RowsName}, 4·{layer.Hidden}]");
        e.W.Line($"var c = {Whole("a", dir.Cell!)}; // c_t, [{layer.Stack.RowsName}, {layer.Hidden}]");
        if (readsInitial) e.W.Line($"var c0 = {e.InitialC(layer, dir)}; // c before step 0");
    }

    public override void EmitBackwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        EmitStateLocals(e, layer, dir, readsInitial);
        e.W.Line($"var dc = {Slice("s", C(layer.CellGradient ?? e.Plan.CellGradient!), e.B * layer.Hidden)}; // dL/dc, carried from step t + 1 to step t");
        if (!_projected) return;
        e.W.Line($"var dm = {Slice("s", C(e.Plan.ProjectionGradient!), e.B * layer.Hidden)}; // dL/dm_t of the current step");
        e.W.Line($"var wHr = {Whole("p", dir.WeightHr!)}; // [{layer.Projection}, {layer.Hidden}]");
    }

    public override void EmitForwardStep(ModelEmitter e, LayerPlan layer, StepSpans s)
    {
        e.W.Line(e.RecurrentProduct(layer, s, s.Gates, layer.GateWidth, accumulate: true));
        if (!_projected)
        {
            e.W.Line($"{CellKernels}LstmCell.Forward({s.Gates}, {s.CPrev}, {s.Cell}, {s.H}, ldh: {N(s.Ld)}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
            return;
        }
        // The cell writes o⊙tanh(c_t) into m_t; the projection makes h_t, which the next step reads.
        e.W.Line($"{CellKernels}LstmCell.Forward({s.Gates}, {s.CPrev}, {s.Cell}, {s.Unprojected}, ldh: {N(layer.Hidden)}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
        e.W.Line($"{Kernels}Gemm.NT(m: {s.Rows}, n: {N(layer.Projection)}, k: {N(layer.Hidden)}, {s.Unprojected}, lda: {N(layer.Hidden)}, wHr, ldb: {N(layer.Hidden)}, {s.H}, ldc: {N(s.Ld)}, accumulate: false); // h_t = m_t·W_hrᵀ");
    }

    public override void EmitBackwardStart(ModelEmitter e, LayerPlan layer, DirectionPlan dir)
    {
        string dc = Slice("s", C(e.Plan.CellGradient!), e.B * layer.Hidden);
        if (layer.Stack.Role == StackRole.Encoder)
        {
            string dcDecoder = Slice("s", $"{C(e.Plan.EncoderStateGradient!)} + {C(dir.C0!)}", e.B * layer.Hidden);
            e.W.Line("// dL/dc after the last step is what the decoder's first step sent back.");
            // Packed rows: dc's row i is sorted lane i's, first touched at that lane's last real step.
            e.W.Line(layer.Stack.PacksLanes ? $"_rnnLanes.SortLanes({dcDecoder}, width: {N(layer.Hidden)}, {dc});" : $"{dcDecoder}.CopyTo({dc});");
        }
        else
        {
            e.W.Line($"// dL/dc after the last step{dir.Describe} is zero.");
            e.W.Line($"{dc}.Clear();");
        }
    }

    public override void EmitBackwardStep(ModelEmitter e, LayerPlan layer, DirectionPlan dir, BackwardStepSpans s)
    {
        if (!_projected)
        {
            e.W.Line($"{CellKernels}LstmCell.Backward({s.Gates}, {s.CPrev}, {s.Cell}, {s.Dh}, lddh: {N(layer.OutWidth)}, {s.Dc}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
        }
        else
        {
            e.W.Line($"{Kernels}Gemm.NN(m: {s.Rows}, n: {N(layer.Hidden)}, k: {N(layer.Projection)}, {s.Dh}, lda: {N(layer.OutWidth)}, wHr, ldb: {N(layer.Hidden)}, {s.Dm}, ldc: {N(layer.Hidden)}, accumulate: false); // dm = dh_t·W_hr");
            e.W.Line($"{CellKernels}LstmCell.Backward({s.Gates}, {s.CPrev}, {s.Cell}, {s.Dm}, lddh: {N(layer.Hidden)}, {s.Dc}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
        }
        if (s.DhPrevious is not null)
            e.W.Line(e.RecurrentGradientProduct(layer, s.Rows, s.Gates, layer.GateWidth, s.DhPrevious, s.LdPrevious, s.Accumulate, s.Mask));
        if (s.StartsHere && s.InitialStateGradient is { } dState)
            e.W.Line($"dc.CopyTo({Slice("s", $"{C(dState)} + {C(dir.C0!)}", e.B * layer.Hidden)}); // dL/dc0");
    }

    public override void EmitExtraWeightGradients(ModelEmitter e, LayerPlan layer, DirectionPlan dir, string rows)
    {
        if (!_projected) return;
        long ld = layer.OutWidth, col = dir.Reverse ? layer.StateWidth : 0, hd = layer.Hidden, p = layer.Projection;
        e.W.Line("//   dW_hr += Σ_t dh_tᵀ·m_t: dh holds the whole dL/dh_t of every step once the recurrence is done.");
        e.W.Line($"{Kernels}Gemm.TN(m: {N(p)}, n: {N(hd)}, k: {rows}, {e.RegionRows("s", layer.HiddenGradient, ld, col, rows, p)}, lda: {N(ld)}, " +
            $"{e.RegionRows("a", dir.Unprojected!, hd, 0, rows, hd)}, ldb: {N(hd)}, {Whole("g", dir.WeightHr!)}, ldc: {N(hd)}, accumulate: true);");
    }

    public override void EmitSingleStepLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir)
    {
        e.W.Line($"var c = state.Slice({C(dir.C0!)} + lane * {N(layer.Hidden)}, {N(layer.Hidden)}); // this lane's c, updated in place");
        if (!_projected) return;
        e.W.Line($"var mt = {Slice("s", C(e.Plan.StepUnprojected!), layer.Hidden)}; // m_t = o⊙tanh(c_t), before h_t = m_t·W_hrᵀ");
        e.W.Line($"var wHr = {Whole("p", dir.WeightHr!)};");
    }

    public override StepSpans SingleStep(LayerPlan layer) => base.SingleStep(layer) with { Unprojected = _projected ? "mt" : null };
}
