using System.Numerics;

namespace RnnGen;

/// <summary>
/// The decoder of a one-to-many or encoder–decoder model, one step at a time, over states the caller owns: encode once
/// (<see cref="IDecoderStepModel{T, TInput, TStep}.Encode(ReadOnlySpan{TInput})"/>), take each source lane's start state
/// (<see cref="StartDecoder"/>) and first input (<see cref="StartInput"/>), then advance any number of rows with
/// <see cref="DecoderStep"/> — several rows may continue one lane (the hypotheses of a beam search). Allocates nothing.
/// </summary>
/// <typeparam name="T">Element type of parameters.</typeparam>
/// <typeparam name="TStep">What the decoder reads at a step, the previous output: <c>int</c> (a token id, softmax head) or <typeparamref name="T"/> (a vector).</typeparam>
public interface IDecoderStepModel<T, TStep> : IRnnModel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TStep : unmanaged
{
    /// <summary>Values of one row's decoder state: every decoder layer's h, then every LSTM layer's c (one row of <see cref="IRnnModel{T}.InitialState"/>'s layout).</summary>
    int DecoderStateSize { get; }

    /// <summary>What one decoder input is: token decoders read ids in <c>[0, DecoderInputSize)</c> (the classes, and for an encoder–decoder its start token); vector decoders read this many values.</summary>
    int DecoderInputSize { get; }

    /// <summary>Values of one decoder input in a span: 1 for token decoders, <see cref="DecoderInputSize"/> for vector decoders.</summary>
    int DecoderInputWidth { get; }

    /// <summary>
    /// Writes the state the decoder of source lane <paramref name="lane"/> starts from into <paramref name="state"/>
    /// (<see cref="DecoderStateSize"/> values): the encoder's final state of that lane, or (one-to-many) the lane's row of
    /// the initial state when it was encoded.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing has been encoded yet.</exception>
    void StartDecoder(int lane, Span<T> state);

    /// <summary>
    /// Writes the decoder's first input for source lane <paramref name="lane"/> into <paramref name="input"/>
    /// (<see cref="DecoderInputWidth"/> values): an encoder–decoder's start token (token decoders) or zeros (vector
    /// decoders); a one-to-many model's encoded input of that lane.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing has been encoded yet.</exception>
    void StartInput(int lane, Span<TStep> input);

    /// <summary>
    /// One decoder step for <c>lanes.Length</c> rows: row r continues source lane <c>lanes[r]</c>, reads
    /// <paramref name="inputs"/> from <c>r·DecoderInputWidth</c>, advances <paramref name="states"/> from
    /// <c>r·DecoderStateSize</c> in place and writes its output after the head's activation into
    /// <paramref name="outputs"/> from <c>r·OutputSize</c>. Rows may come in any order and repeat a lane; they run in
    /// chunks of at most <c>Batch</c> rows. The model's activations serve as workspace: the last pass's
    /// <c>Output</c> is overwritten and <c>Loss</c> and <c>Backward</c> need a new forward pass.
    /// </summary>
    /// <exception cref="ArgumentException">A span of the wrong length, a lane outside <c>[0, Batch)</c>, a token id outside <c>[0, DecoderInputSize)</c> or a non-finite input; nothing changes.</exception>
    /// <exception cref="InvalidOperationException">Nothing has been encoded yet.</exception>
    void DecoderStep(ReadOnlySpan<int> lanes, ReadOnlySpan<TStep> inputs, Span<T> states, Span<T> outputs);
}

/// <summary>A decoder-step model together with the encoding of its inputs.</summary>
/// <typeparam name="T">Element type of parameters.</typeparam>
/// <typeparam name="TInput"><c>int</c> (token input) or <typeparamref name="T"/> (vector input).</typeparam>
/// <typeparam name="TStep"><c>int</c> (softmax head) or <typeparamref name="T"/> (linear or sigmoid head).</typeparam>
public interface IDecoderStepModel<T, TInput, TStep> : IDecoderStepModel<T, TStep>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TInput : unmanaged
    where TStep : unmanaged
{
    /// <summary>
    /// Encodes the inputs (<c>[Steps, Batch]</c> token ids or <c>[Steps, Batch, InputSize]</c> values) for
    /// <see cref="IDecoderStepModel{T, TStep}.DecoderStep"/>: an encoder–decoder runs its encoder once and keeps each
    /// lane's final state; a one-to-many model keeps each lane's input and its row of the initial state.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length, a token id out of range or a non-finite value; nothing changes.</exception>
    void Encode(ReadOnlySpan<TInput> inputs);
}
