using System.Numerics;

namespace RnnGen;

/// <summary>
/// An encoder–decoder model whose encoder runs sources of different lengths (<c>sourceLengths[b]</c> in
/// <c>[0, Steps]</c>): the encoder's state stops at each lane's last real source step and starts the decoder from
/// there, and padded source inputs are never read — PyTorch's packed sequences for the encoder.
/// </summary>
/// <typeparam name="T">Element type of parameters.</typeparam>
/// <typeparam name="TInput"><c>int</c> (token input) or <typeparamref name="T"/> (vector input).</typeparam>
/// <typeparam name="TTarget"><c>int</c> (softmax output) or <typeparamref name="T"/> (linear or sigmoid output).</typeparam>
public interface IEncoderDecoderModel<T, TInput, TTarget> : IGeneratingModel<T, TInput, TTarget>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    /// <summary>Teacher forcing over sources of <paramref name="sourceLengths"/> and targets of <paramref name="targetLengths"/> steps per lane.</summary>
    void Forward(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> targetLengths);

    /// <summary>Zero gradients, teacher-forced forward with both lengths, loss, backward, clip (0: off), update; returns the loss before the update.</summary>
    T TrainStep(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> targetLengths, IOptimizer<T> optimizer, T clipNorm);

    /// <summary>
    /// Encodes sources of <paramref name="sourceLengths"/>[b] in <c>[0, Steps]</c> steps per lane for
    /// <see cref="IDecoderStepModel{T, TStep}.DecoderStep"/>: each lane's decoder starts from the encoder's state after its last real step.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong lengths, a token id out of range or a non-finite value at a real step; nothing changes.</exception>
    void Encode(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> sourceLengths);

    /// <summary>Each lane's source length in the last pass (<c>Steps</c> for every lane unless a pass was given source lengths).</summary>
    ReadOnlySpan<int> SourceLengths { get; }
}
