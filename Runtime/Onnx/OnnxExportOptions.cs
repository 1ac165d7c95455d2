namespace RnnGen;

/// <summary>Options of <see cref="OnnxExporter"/>; the defaults write the same graph as the overloads without options.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>
    /// When true, the graph takes a second input <c>sequence_lens</c> (int32 [Batch]), each lane's number of real
    /// steps, and reproduces <see cref="IVariableLengthModel{T, TInput, TTarget}.Forward"/> with those lengths (PyTorch's
    /// <c>pack_padded_sequence(enforce_sorted: false)</c>): every <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> node gets the lengths
    /// as its <c>sequence_lens</c> input (the reverse direction starts at each lane's last real step); a many-to-one head
    /// reads each lane's forward state at step <c>len − 1</c> (a <c>GatherElements</c> on the top layer's <c>Y</c>) and,
    /// when bidirectional, the reverse direction's <c>Y_h</c> (its state after step 0); <c>y</c> is 0 at padded steps
    /// (many-to-many) and for lanes of length 0, as the model's <c>Output</c> is.
    /// </summary>
    /// <remarks>
    /// The ONNX operator specification does not define a <c>sequence_lens</c> entry of 0, so the graph does not depend on
    /// how a runtime treats one: the recurrent nodes get <c>max(len, 1)</c> and the lane's outputs are masked to 0
    /// afterwards. A length of 0 (or below) therefore marks an unused lane, as in RnnGen, and gives a <c>y</c> of 0. A
    /// length above <c>Steps</c> is left to the runtime's recurrent node (ONNX Runtime throws). Padded inputs may hold
    /// anything, NaN included: the masks select (<c>Where</c>) rather than multiply.
    /// <para>
    /// An encoder–decoder model's lengths are its source lengths (<c>Generate(inputs, sourceLengths, …)</c>): the encoder's
    /// nodes get them, the decoder starts from each lane's state after its last real source step (a lane of length 0
    /// from the initial state), and the decoder runs all OutputSteps for every lane. A one-to-many model has no lengths
    /// and is refused with this option.
    /// </para>
    /// </remarks>
    public bool SequenceLengths { get; init; }
}
