using System.Numerics;

namespace RnnGen;

/// <summary>
/// A many-to-many or many-to-one model that runs lanes of different lengths in one batch, as PyTorch's
/// <c>pack_padded_sequence(enforce_sorted: false)</c> does: <c>lengths[b]</c> in <c>[0, Steps]</c> is the number of real
/// steps of lane b, and 0 marks an unused lane. Steps at or past a lane's length do not exist: the state is not
/// updated there, <see cref="IRnnModel{T}.Output"/> is 0 there, targets there are neither read nor validated, and the
/// loss is the sum over real output steps divided by the number of lanes with a length above 0.
/// </summary>
/// <typeparam name="T">Element type of parameters.</typeparam>
/// <typeparam name="TInput"><c>int</c> (token input) or <typeparamref name="T"/> (vector input).</typeparam>
/// <typeparam name="TTarget"><c>int</c> (softmax output) or <typeparamref name="T"/> (linear or sigmoid output).</typeparam>
public interface IVariableLengthModel<T, TInput, TTarget> : ISupervisedModel<T, TInput, TTarget>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    /// <summary>Runs the forward pass over <paramref name="inputs"/> (time-major, padded to <c>Steps</c>) with each lane's length.</summary>
    void Forward(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> lengths);

    /// <summary>Zero gradients, forward with <paramref name="lengths"/>, loss, backward, clip (0: off), update; returns the loss before the update.</summary>
    T TrainStep(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, ReadOnlySpan<int> lengths, IOptimizer<T> optimizer, T clipNorm);

    /// <summary>Each lane's length in the last forward pass (<c>Steps</c> for every lane after a pass without lengths).</summary>
    ReadOnlySpan<int> Lengths { get; }
}
