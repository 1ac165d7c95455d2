using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Heads;

/// <summary>No activation, squared-error loss: <c>global::RnnGen.Losses.SquaredError</c>.</summary>
internal sealed class LinearHeadEmitter : HeadEmitter
{
    public static readonly LinearHeadEmitter Instance = new();

    public override string Describe(long size) => $"linear({N(size)})";

    public override string ActivationEquation => "Output = z";

    public override string LossDescription => "squared error Σ_j (y_j − t_j)², summed over output steps, averaged over the batch.";

    public override void EmitTargetCheck(SourceWriter w, string shape, string start) =>
        w.Line($"{Inputs}ArgumentChecks.Finite(targets, OutputSteps * Batch * OutputSize, \"{shape}\", nameof(targets){start});");

    public override void EmitActivation(ModelEmitter e, string z, string output, string rows, string logSumExp) => e.W.Line("// y = z (no activation).");

    public override (string Comment, string Expression) Loss(ModelEmitter e) =>
        ("Σ_j (y_j − t_j)² over the rows.", $"{Losses}SquaredError.Loss({e.OutputSpan}.Slice(first * OutputSize), targets.Slice(first * OutputSize), count: {ValuesFromFirst(e)}, {e.InverseLanes})");

    public override void EmitOutputGradient(ModelEmitter e)
    {
        e.W.Line($"// Squared error: dz = 2(y − t) / {e.LanesName}.");
        e.W.Line($"{Losses}SquaredError.Backward({e.OutputSpan}.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), count: {ValuesFromFirst(e)}, {e.InverseLanes});");
    }

    public override LogitsSource LogitsSource => LogitsSource.Output;

    public override void EmitOutputJacobian(ModelEmitter e, string output, string rows) =>
        e.W.Line("// No activation: dL/dz = dL/dy, as given.");
}
