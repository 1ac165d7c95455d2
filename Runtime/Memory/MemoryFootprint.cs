namespace RnnGen.Memory;

/// <summary>
/// Bytes a model instance holds, by purpose. Activations are exactly what the backward pass reads (inputs,
/// gate activations, cell and hidden states, outputs), so <see cref="BackpropMinimum"/> — parameters, gradients
/// and activations — is what any implementation of a full BPTT step must keep; <see cref="Scratch"/> and
/// <see cref="State"/> are this implementation's overhead on top of it.
/// </summary>
public readonly record struct MemoryFootprint(long Parameters, long Gradients, long Activations, long Scratch, long State)
{
    /// <summary>Everything the model allocated.</summary>
    public long Total => Parameters + Gradients + Activations + Scratch + State;

    /// <summary>Parameters + gradients + the activations backward reads.</summary>
    public long BackpropMinimum => Parameters + Gradients + Activations;

    /// <summary><see cref="Total"/> / <see cref="BackpropMinimum"/>.</summary>
    public double OverheadRatio => (double)Total / BackpropMinimum;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Total / 1048576.0:F1} MiB (parameters {Parameters / 1048576.0:F1}, gradients {Gradients / 1048576.0:F1}, activations {Activations / 1048576.0:F1}, " +
        $"scratch {Scratch / 1048576.0:F1}, state {State / 1048576.0:F2}; {OverheadRatio:F2}× the BPTT minimum)";
}
