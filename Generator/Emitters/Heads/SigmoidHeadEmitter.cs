using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Heads;

/// <summary>Element-wise sigmoid with binary cross-entropy from the logits: <c>global::RnnGen.Losses.BinaryCrossEntropy</c>.</summary>
internal sealed class SigmoidHeadEmitter : HeadEmitter
{
    public static readonly SigmoidHeadEmitter Instance = new();

    public override string Describe(long size) => $"sigmoid({N(size)})";

    public override string ActivationEquation => "Output = σ(z)";

    public override string LossDescription => "binary cross-entropy Σ_j −[t log y + (1−t) log(1−y)] from the logits, summed over output steps, averaged over the batch.";

    public override void EmitTargetCheck(SourceWriter w, string shape, string start) =>
        w.Line($"{Inputs}ArgumentChecks.Probabilities(targets, OutputSteps * Batch * OutputSize, \"{shape}\", nameof(targets){start});");

    public override void EmitActivation(ModelEmitter e, string z, string output, string rows, string logSumExp)
    {
        e.W.Line("// y = σ(z); the logits stay for a stable loss.");
        e.W.Line($"{Losses}BinaryCrossEntropy.Sigmoid({z}, {output}, count: {rows} * {N(e.Plan.OutputSize)});");
    }

    public override (string Comment, string Expression) Loss(ModelEmitter e) =>
        ("Σ softplus(z) − t·z = binary cross-entropy of σ(z), finite for every finite z.",
            $"{Losses}BinaryCrossEntropy.Loss(a.Slice({C(e.Plan.Logits!)} + first * OutputSize, {ValuesFromFirst(e)}), targets.Slice(first * OutputSize), count: {ValuesFromFirst(e)}, {e.InverseLanes})");

    public override void EmitOutputGradient(ModelEmitter e)
    {
        e.W.Line($"// Sigmoid + binary cross-entropy: dz = (σ(z) − t) / {e.LanesName}.");
        e.W.Line($"{Losses}BinaryCrossEntropy.Backward({e.OutputSpan}.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), count: {ValuesFromFirst(e)}, {e.InverseLanes});");
    }

    public override LogitsSource LogitsSource => LogitsSource.Region;

    public override void EmitOutputJacobian(ModelEmitter e, string output, string rows)
    {
        e.W.Line("// Through the sigmoid: dz = g ⊙ y(1 − y).");
        string count = $"({rows} - first) * OutputSize";
        e.W.Line($"{Losses}BinaryCrossEntropy.SigmoidBackward({output}.Slice(first * OutputSize, {count}), dz.Slice(first * OutputSize, {count}), dz.Slice(first * OutputSize, {count}), count: {count});");
    }
}
