using System.Collections.Generic;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Cells;

/// <summary>The GRU (PyTorch's gate order r, z, n): <c>global::RnnGen.Cells.GruCell</c> does the pointwise math.</summary>
internal sealed class GruCellEmitter : CellEmitter
{
    public static readonly GruCellEmitter Instance = new();

    public override IReadOnlyList<string> ForwardEquations { get; } = new[]
    {
        "r = σ(x·W_irᵀ + b_ir + h_(t-1)·W_hrᵀ + b_hr);  z = σ(x·W_izᵀ + b_iz + h_(t-1)·W_hzᵀ + b_hz)",
        "n = tanh(x·W_inᵀ + b_in + r⊙(h_(t-1)·W_hnᵀ + b_hn))",
        "h_t = (1−z)⊙n + z⊙h_(t-1)",
    };

    public override IReadOnlyList<string> BackwardEquations { get; } = new[]
    {
        "dn = dh_t⊙(1−z)⊙(1−n²);  dz = dh_t⊙(h_(t-1) − n)⊙z(1−z);  dr = dn⊙hn⊙r(1−r)   (hn = h_(t-1)·W_hnᵀ + b_hn)",
        "(r z n) are overwritten in place by (dr dz dn⊙r), hn by dn",
        "dh_(t-1) += dh_t⊙z + [dr dz dn⊙r]·W_hh",
    };

    public override string ProjectionBias => "b_ih + [b_hr, b_hz, 0]";

    public override string WeightGradientNote => "  (GRU: W_hh, b_hh take [dr, dz, dn⊙r]; W_ih, b_ih take [dr, dz, dn])";

    public override bool BackwardReadsInitialH => true;

    public override bool ForwardReadsParameters => true;

    /// <summary>b_ih + b_hh for r and z; the n block keeps only b_in, since b_hn sits inside r⊙(·).</summary>
    public override void EmitBiasSum(SourceWriter w, DirectionPlan dir, string p, string span, string offset)
    {
        long h2 = 2 * (dir.BiasIh.Length / 3);
        w.Line($"{Kernels}Bias.Sum({Slice(p, C(dir.BiasIh), h2)}, {Slice(p, C(dir.BiasHh), h2)}, {Slice(span, offset, h2)});");
        w.Line($"{Slice(p, Plus(C(dir.BiasIh), N(h2)), h2 / 2)}.CopyTo({Slice(span, $"{offset} + {N(h2)}", h2 / 2)});");
    }

    public override string ProjectionNote => "   (b_hn stays inside r⊙(·))";

    /// <summary>[dr, dz] are the first two blocks of the gate buffer; dn is in the RecurrentN buffer (the gate buffer keeps dn⊙r for W_hh).</summary>
    public override IEnumerable<(string Block, long Ld, long Width, long FirstRow)> InputSideBlocks(ModelEmitter e, LayerPlan layer, DirectionPlan dir, string rows)
    {
        long h = layer.Hidden;
        yield return (e.RegionRows("a", dir.Gates!, layer.GateWidth, 0, rows, 2 * h), layer.GateWidth, 2 * h, 0);
        yield return (e.RegionRows("a", dir.RecurrentN!, h, 0, rows, h), h, h, 2 * h);
    }

    public override void EmitForwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        long hd = layer.Hidden;
        e.W.Line($"var gates = {Whole("a", dir.Gates!)}; // [{layer.Stack.RowsName}, 3·{hd}]");
        e.W.Line($"var hn = {Whole("a", dir.RecurrentN!)}; // h_(t-1)·W_hnᵀ + b_hn, [{layer.Stack.RowsName}, {hd}]");
        e.W.Line($"var gh = {Slice("_rnnScratch.Span", C(e.Plan.GruRecurrent!), e.B * 3 * hd)}; // h_(t-1)·W_hhᵀ of the current step");
        e.W.Line($"var bHn = {Slice("p", $"{C(dir.BiasHh)} + {N(2 * hd)}", hd)};");
    }

    public override void EmitBackwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        e.W.Line($"var gates = {Whole("a", dir.Gates!)}; // [{layer.Stack.RowsName}, 3·{layer.Hidden}]");
        e.W.Line($"var hn = {Whole("a", dir.RecurrentN!)}; // [{layer.Stack.RowsName}, {layer.Hidden}]");
    }

    public override void EmitForwardStep(ModelEmitter e, LayerPlan layer, StepSpans s)
    {
        e.W.Line(e.RecurrentProduct(layer, s, "gh", layer.GateWidth, accumulate: false));
        e.W.Line($"{CellKernels}GruCell.Forward({s.Gates}, gh, bHn, {s.RecurrentN}, {s.HPrev}, ldPrev: {N(s.LdPrev)}, {s.H}, ldh: {N(s.Ld)}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
    }

    public override void EmitBackwardStep(ModelEmitter e, LayerPlan layer, DirectionPlan dir, BackwardStepSpans s)
    {
        if (s.StartsHere && s.DhPrevious is not null) e.W.Line("dh0.Clear();");
        e.W.Line($"{CellKernels}GruCell.Backward({s.Gates}, {s.RecurrentN}, {s.HPrev}, ldPrev: {N(s.LdPrev)}, {s.Dh}, lddh: {N(layer.OutWidth)}, {s.DhPrevious ?? "default"}, ldDhPrev: {N(s.LdPrevious)}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
        if (s.DhPrevious is not null)
            e.W.Line(e.RecurrentGradientProduct(layer, s.Rows, s.Gates, layer.GateWidth, s.DhPrevious, s.LdPrevious, accumulate: true, s.Mask));
    }

    public override void EmitSingleStepLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir)
    {
        long hd = layer.Hidden;
        e.W.Line($"var gh = {Slice("s", C(e.Plan.StepGru!), 3 * hd)}; // h·W_hhᵀ");
        e.W.Line($"var hn = {Slice("s", $"{C(e.Plan.StepGru!)} + {N(3 * hd)}", hd)}; // h·W_hnᵀ + b_hn");
        e.W.Line($"var bHn = {Slice("p", $"{C(dir.BiasHh)} + {N(2 * hd)}", hd)};");
    }
}
