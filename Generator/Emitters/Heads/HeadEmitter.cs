using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Heads;

/// <summary>
/// Everything that depends on the kind of output head: its activation, its loss (value and dL/dz) and the targets it
/// takes. One subclass per head (<see cref="SoftmaxHeadEmitter"/>, <see cref="LinearHeadEmitter"/>,
/// <see cref="SigmoidHeadEmitter"/>); the model emitter never switches on the head.
/// </summary>
internal abstract class HeadEmitter
{
    /// <summary>The emitter of the model's head.</summary>
    public static HeadEmitter For(OutputSpec output) => output.Kind switch
    {
        HeadKind.Softmax => SoftmaxHeadEmitter.Instance,
        HeadKind.Sigmoid => SigmoidHeadEmitter.Instance,
        _ => LinearHeadEmitter.Instance,
    };

    /// <summary>Targets are class ids (<c>int</c>) rather than values of the model's element type.</summary>
    public virtual bool ClassTargets => false;

    /// <summary>Short name with its size, e.g. <c>softmax(65)</c>.</summary>
    public abstract string Describe(long size);

    /// <summary>The activation applied to the logits z, as an equation.</summary>
    public abstract string ActivationEquation { get; }

    /// <summary>The loss, one sentence: what it is per step and example, and how it is reduced.</summary>
    public abstract string LossDescription { get; }

    /// <summary>The argument check of the targets (<c>shape</c> is the text of the expected shape; <c>start</c> what precedes the first checked target, or "").</summary>
    public abstract void EmitTargetCheck(SourceWriter w, string shape, string start);

    /// <summary>
    /// The output from the logits <paramref name="z"/> of <paramref name="rows"/> rows, into <paramref name="output"/>
    /// (which may be <paramref name="z"/>); <paramref name="logSumExp"/> receives log Σ exp(z) per row where the loss needs it.
    /// </summary>
    public abstract void EmitActivation(ModelEmitter e, string z, string output, string rows, string logSumExp);

    /// <summary>The loss over output rows [<c>first</c>, <c>rows</c>), scaled by <c>inverse</c>: a comment line, then the C# expression.</summary>
    public abstract (string Comment, string Expression) Loss(ModelEmitter e);

    /// <summary>In backward: <c>dz</c> = dL/dz for output rows [<c>first</c>, <c>rows</c>).</summary>
    public abstract void EmitOutputGradient(ModelEmitter e);

    /// <summary>Where the head's logits z live after a forward pass (<see cref="Heads.LogitsSource"/>).</summary>
    public abstract LogitsSource LogitsSource { get; }

    /// <summary>
    /// In a backward pass from a caller's gradient: turns <c>dz</c>, which holds dL/d(Output) for output rows
    /// [<c>first</c>, <paramref name="rows"/>), into dL/dz through the activation's Jacobian, reading the output rows from
    /// <paramref name="output"/>.
    /// </summary>
    public abstract void EmitOutputJacobian(ModelEmitter e, string output, string rows);

    /// <summary>The rows from <c>first</c> on of the output, the values of count <c>(rows − first) · OutputSize</c>.</summary>
    protected static string ValuesFromFirst(ModelEmitter e) => $"({e.OutputRows} - first) * OutputSize";
}

/// <summary>Where a head's logits z = h·W_headᵀ + b_head are after a forward pass.</summary>
internal enum LogitsSource
{
    /// <summary>z is the output (no activation).</summary>
    Output,

    /// <summary>z is kept in the plan's <c>Logits</c> activation region (the sigmoid head keeps it for a stable loss).</summary>
    Region,

    /// <summary>z is overwritten by the activation (softmax in place) and recomputed from the head's input when read.</summary>
    Recompute,
}
