using System.Numerics;
using RnnGen.Memory;

namespace RnnGen;

/// <summary>
/// One parameter buffer that several generated models compute with, each keeping its own activations, gradients and
/// state. <c>Steps</c> and <c>Batch</c> are compile-time constants, so training in buckets of different lengths, training
/// at one batch size and serving at another, or running replicas needs several model classes over one set of
/// parameters: declare them with the same network, create the first as usual and the others over its
/// <c>SharedParameters</c> (<c>new Serve(train.SharedParameters)</c>). An optimizer stepping
/// <c>Parameters</c> with <c>Gradients</c> of any of them updates all of them. An update made while another model
/// runs a pass over the same parameters races with that pass: take turns, as with one model.
/// </summary>
public sealed class SharedParameters<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly AlignedBuffer<T> _buffer;
    private int _version;

    /// <summary>Wraps the parameter buffer of the model described by <paramref name="architecture"/> (generated code calls this).</summary>
    public SharedParameters(AlignedBuffer<T> buffer, ModelArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(architecture);
        _buffer = buffer;
        Architecture = architecture;
    }

    /// <summary>The declaration of the model that created the parameters.</summary>
    public ModelArchitecture Architecture { get; }

    /// <summary>The parameters, laid out as every sharing model's <c>Tensors</c> say. Asking for them counts as a write
    /// (<see cref="MarkWritten"/>).</summary>
    public Span<T> Values
    {
        get
        {
            MarkWritten();
            return _buffer.Span;
        }
    }

    /// <summary>
    /// Changes whenever the parameters may have been written: after every <see cref="MarkWritten"/>. Copies derived from
    /// the parameters (reduced-precision weights, <see cref="WeightFormat"/>) compare it with the version they were made
    /// from.
    /// </summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Records that the parameters may have changed (generated code calls this when it hands out a writable view
    /// or updates them); derived copies are rebuilt before their next use.</summary>
    public void MarkWritten() => Interlocked.Increment(ref _version);

    /// <summary>The buffer, for reading without counting as a write.</summary>
    internal AlignedBuffer<T> Buffer => _buffer;

    /// <summary>
    /// The buffer, for a model of <paramref name="architecture"/> to compute with (generated code calls this), after
    /// checking that its network is this one's: the same topology, input, layers, head and precision, so the same
    /// tensors; only the class, <c>Steps</c> and <c>Batch</c> may differ.
    /// </summary>
    /// <exception cref="ArgumentException">The networks differ; nothing is shared.</exception>
    public AlignedBuffer<T> Attach(ModelArchitecture architecture, string paramName)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (architecture.Network != Architecture.Network || architecture.Precision != Architecture.Precision)
            throw new ArgumentException(
                $"{architecture.Name} ({architecture.Network}, {architecture.Precision}) cannot share the parameters of {Architecture.Name} ({Architecture.Network}, {Architecture.Precision}): " +
                "models share parameters only when their declarations differ in Steps and Batch alone.", paramName);
        return _buffer;
    }
}
