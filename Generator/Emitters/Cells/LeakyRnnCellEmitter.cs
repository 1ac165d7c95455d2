using System.Collections.Generic;
using System.Globalization;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Cells;

/// <summary>
/// The leaky RNN, tanh or relu, with a constant leak α (<c>Leak</c>) or a learned one per unit (<c>LearnedLeak</c>,
/// α = σ(a)): <c>global::RnnGen.Cells.LeakyRnnCell</c>. Unlike the plain RNN, h_t also reads h_(t-1), so the input
/// projection lands in a buffer of its own (<c>gates</c>, one block of H), which keeps u = f(pre) for backward and then
/// takes dL/dpre in place, as the LSTM's and GRU's gates do.
/// </summary>
internal sealed class LeakyRnnCellEmitter : CellEmitter
{
    private readonly LayerSpec _spec;

    public LeakyRnnCellEmitter(LayerSpec spec)
    {
        _spec = spec;
        bool relu = spec.Nonlinearity == Nonlinearity.Relu;
        string f = relu ? "relu" : "tanh";
        string alpha = spec.LearnedLeak ? "α = σ(a), a one value per unit" : "α = " + spec.Leak.ToString("R", CultureInfo.InvariantCulture);
        ForwardEquations = new[]
        {
            $"u_t = {f}(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)",
            $"h_t = (1 − α)⊙h_(t-1) + α⊙u_t,  {alpha}",
        };
        var backward = new List<string>
        {
            "dpre_t = dh_t⊙α⊙" + (relu ? "[u_t > 0]" : "(1 − u_t²)") + "   (in place over u_t)",
            "dh_(t-1) += dh_t⊙(1 − α) + dpre_t·W_hh",
        };
        if (spec.LearnedLeak) backward.Add("da += Σ over rows of dh_t⊙(u_t − h_(t-1))⊙α(1 − α)");
        BackwardEquations = backward;
    }

    public override IReadOnlyList<string> ForwardEquations { get; }

    public override IReadOnlyList<string> BackwardEquations { get; }

    public override string ProjectionName => "pre[t]";

    /// <summary>The constant leak's backward reads only u and dh; the learned leak's reads h_(t-1) for da.</summary>
    public override bool BackwardReadsOutputs => _spec.LearnedLeak;

    public override bool BackwardReadsInitialH => _spec.LearnedLeak;

    private string Activation => "global::RnnGen.Nonlinearity." + _spec.Nonlinearity;

    /// <summary>A leak as a C# literal of the model's element type (<c>0.25</c> or <c>0.25f</c>), round-tripping the value.</summary>
    public static string Literal(double leak, bool isDouble) => isDouble
        ? Real(leak.ToString("R", CultureInfo.InvariantCulture))
        : Real(((float)leak).ToString("R", CultureInfo.InvariantCulture)) + "f";

    private static string Real(string text) => text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";

    /// <summary>The leak argument of the kernel: the constant, or the a of this direction (<c>leak</c>).</summary>
    private string Leak(ModelEmitter e) => _spec.LearnedLeak ? "leak" : Literal(_spec.Leak, e.Plan.IsDouble);

    private void EmitLeakLocal(ModelEmitter e, DirectionPlan dir)
    {
        if (_spec.LearnedLeak) e.W.Line($"var leak = {Whole("_rnnParameters.Span", dir.Leak!)}; // a, α = σ(a), [{N(dir.Leak!.Length)}]");
    }

    public override void EmitForwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        e.W.Line($"var gates = {Whole("a", dir.Gates!)}; // pre, then u = f(pre), [{layer.Stack.RowsName}, {layer.Hidden}]");
        EmitLeakLocal(e, dir);
    }

    public override void EmitBackwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        e.W.Line($"var gates = {Whole("a", dir.Gates!)}; // u, then dL/dpre, [{layer.Stack.RowsName}, {layer.Hidden}]");
        EmitLeakLocal(e, dir);
        if (_spec.LearnedLeak) e.W.Line($"var dLeak = {Whole("_rnnGradients.Span", dir.Leak!)}; // dL/da");
    }

    public override void EmitForwardStep(ModelEmitter e, LayerPlan layer, StepSpans s)
    {
        e.W.Line(e.RecurrentProduct(layer, s, s.Gates, layer.GateWidth, accumulate: true));
        e.W.Line($"{CellKernels}LeakyRnnCell.Forward({s.Gates}, {s.HPrev}, ldPrev: {N(s.LdPrev)}, {s.H}, ldh: {N(s.Ld)}, batch: {s.Rows}, hidden: {N(layer.Hidden)}, {Activation}, {Leak(e)});");
    }

    public override void EmitBackwardStep(ModelEmitter e, LayerPlan layer, DirectionPlan dir, BackwardStepSpans s)
    {
        // The kernel adds dh_t⊙(1 − α) to dh_(t-1), so a gradient that starts here starts from zero.
        if (s.StartsHere && s.DhPrevious is not null) e.W.Line("dh0.Clear();");
        string common = $"{s.Dh}, lddh: {N(layer.OutWidth)}, {s.DhPrevious ?? "default"}, ldDhPrev: {N(s.LdPrevious)}, batch: {s.Rows}, hidden: {N(layer.Hidden)}, {Activation}";
        e.W.Line(_spec.LearnedLeak
            ? $"{CellKernels}LeakyRnnCell.Backward({s.Gates}, {s.HPrev}, ldPrev: {N(s.LdPrev)}, {common}, leak, dLeak);"
            : $"{CellKernels}LeakyRnnCell.Backward({s.Gates}, {common}, {Leak(e)});");
        if (s.DhPrevious is not null)
            e.W.Line(e.RecurrentGradientProduct(layer, s.Rows, s.Gates, layer.GateWidth, s.DhPrevious, s.LdPrevious, accumulate: true, s.Mask));
    }

    public override void EmitSingleStepLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir) => EmitLeakLocal(e, dir);
}
