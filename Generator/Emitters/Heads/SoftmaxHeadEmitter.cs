using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Heads;

/// <summary>Softmax over classes with cross-entropy: <c>global::RnnGen.Losses.Softmax</c>.</summary>
internal sealed class SoftmaxHeadEmitter : HeadEmitter
{
    public static readonly SoftmaxHeadEmitter Instance = new();

    public override bool ClassTargets => true;

    public override string Describe(long size) => $"softmax({N(size)})";

    public override string ActivationEquation => "Output = softmax(z)";

    public override string LossDescription => "cross-entropy −log p[target], summed over output steps, averaged over the batch.";

    public override void EmitTargetCheck(SourceWriter w, string shape, string start) =>
        w.Line($"{Inputs}ArgumentChecks.Ids(targets, OutputSteps * Batch, OutputSize, \"{shape}\", \"Target class\", nameof(targets){start});");

    public override void EmitActivation(ModelEmitter e, string z, string output, string rows, string logSumExp)
    {
        e.W.Line("// p = softmax(z) in place; log Σ exp(z) kept per row for an exact loss.");
        e.W.Line($"{Losses}Softmax.Rows({z}, rows: {rows}, n: {N(e.Plan.OutputSize)}, {logSumExp});");
    }

    public override (string Comment, string Expression) Loss(ModelEmitter e)
    {
        ModelPlan plan = e.Plan;
        long width = plan.HeadInputWidth;
        return ("−log p[y] = log Σ exp(z) − z_y, with z_y = h·W_head[y] + b_head[y] recomputed exactly.",
            $"{Losses}Softmax.CrossEntropyLoss(targets.Slice(first, {e.OutputRows} - first), {e.HeadInputFrom("a", "first", $"{e.OutputRows} - first")}, ldx: {N(width)}, width: {N(width)}, " +
            $"{Whole("_rnnParameters.Span", plan.HeadWeight)}, {Whole("_rnnParameters.Span", plan.HeadBias)}, " +
            $"a.Slice({C(plan.LogSumExp!)} + first, {e.OutputRows} - first), rows: {e.OutputRows} - first, {e.InverseLanes})");
    }

    public override void EmitOutputGradient(ModelEmitter e)
    {
        e.W.Line($"// Softmax + cross-entropy: dz = (p − onehot(y)) / {e.LanesName}.");
        e.W.Line($"{Losses}Softmax.CrossEntropyBackward({e.OutputSpan}.Slice(first * OutputSize), targets.Slice(first, {e.OutputRows} - first), dz.Slice(first * OutputSize), rows: {e.OutputRows} - first, n: {N(e.Plan.OutputSize)}, {e.InverseLanes});");
    }

    public override LogitsSource LogitsSource => LogitsSource.Recompute;

    public override void EmitOutputJacobian(ModelEmitter e, string output, string rows)
    {
        e.W.Line("// Through the softmax: dz = p ⊙ (g − Σ_j g_j·p_j) per row.");
        string count = $"({rows} - first) * OutputSize";
        e.W.Line($"{Losses}Softmax.JacobianBackward({output}.Slice(first * OutputSize, {count}), dz.Slice(first * OutputSize, {count}), dz.Slice(first * OutputSize, {count}), rows: {rows} - first, n: {N(e.Plan.OutputSize)});");
    }
}
