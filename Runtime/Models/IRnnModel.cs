using System.Numerics;

namespace RnnGen;

/// <summary>
/// What every generated model exposes, whatever its input and output kind. Generated classes implement it
/// (with the sizes also as <c>const</c> fields), so tools such as checkpoints and trainers work on any model.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>, per <see cref="RnnModelAttribute.Precision"/>.</typeparam>
public interface IRnnModel<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Input time steps T.</summary>
    int Steps { get; }

    /// <summary>Sequences per batch B.</summary>
    int Batch { get; }

    /// <summary>Input width: vocabulary for token input, vector size for vector input.</summary>
    int InputSize { get; }

    /// <summary>Output time steps (T for many-to-many, 1 for many-to-one).</summary>
    int OutputSteps { get; }

    /// <summary>Output width: classes or values per output step.</summary>
    int OutputSize { get; }

    /// <summary>Total number of parameters (length of <see cref="Parameters"/>).</summary>
    int ParameterCount { get; }

    /// <summary>The named tensors of <see cref="Parameters"/>, in order.</summary>
    IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>All parameters in one flat buffer, laid out as <see cref="Tensors"/> says.</summary>
    Span<T> Parameters { get; }

    /// <summary>Gradients, same layout as <see cref="Parameters"/>; <c>Backward</c> adds into them.</summary>
    Span<T> Gradients { get; }

    /// <summary>One tensor of <see cref="Parameters"/> by its PyTorch name.</summary>
    Span<T> Parameter(string name);

    /// <summary>The same tensor of <see cref="Gradients"/>.</summary>
    Span<T> Gradient(string name);

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>The parameters as a handle that models of the same network with other Steps or Batch can be created over.</summary>
    SharedParameters<T> SharedParameters { get; }

    /// <summary>Output of the last forward pass after activation, <c>[OutputSteps, Batch, OutputSize]</c>.</summary>
    ReadOnlySpan<T> Output { get; }

    /// <summary>
    /// Options of the built-in loss (reduction, sample weights, class weights, label smoothing, positive weights), applied
    /// by <c>Loss</c>, <c>Backward</c> and <c>TrainStep</c>; at their defaults the loss is the built-in one, bit for bit.
    /// </summary>
    LossOptions<T> LossOptions { get; }

    /// <summary>
    /// The head's logits z = h·W_headᵀ + b_head of the last forward pass, before the activation, shaped and ordered as
    /// <see cref="Output"/> (0 where a lane has no step). A softmax head recomputes them on the first read after a pass
    /// (so the forward pass does no extra work); after <c>TrainStep</c> has updated the parameters they cannot be
    /// recomputed and reading them throws <see cref="InvalidOperationException"/>.
    /// </summary>
    ReadOnlySpan<T> Logits { get; }

    /// <summary>
    /// Backpropagation through time from the gradient of any loss with respect to <see cref="Output"/>
    /// (<c>[OutputSteps, Batch, OutputSize]</c>): through the head's activation (softmax: dz = y⊙(g − Σ_j g_j·y_j);
    /// sigmoid: dz = g⊙y(1 − y); linear: dz = g), then as <c>Backward(targets)</c>, adding into <see cref="Gradients"/>.
    /// Read only at real steps and from <see cref="LossStartStep"/> on; not scaled.
    /// </summary>
    void BackwardFromOutput(ReadOnlySpan<T> outputGradient);

    /// <summary>
    /// Backpropagation through time from the gradient of any loss with respect to the logits (<see cref="Logits"/>),
    /// for losses computed stably from z; otherwise as <see cref="BackwardFromOutput"/>.
    /// </summary>
    void BackwardFromLogits(ReadOnlySpan<T> logitGradient);

    /// <summary>
    /// Initial hidden state of every layer and direction, zeros by default: first h₀ of each layer (layer-major,
    /// forward then reverse, each <c>[Batch, H]</c>), then c₀ of each LSTM layer in the same order.
    /// </summary>
    Span<T> InitialState { get; }

    /// <summary>State after the last forward pass, same layout as <see cref="InitialState"/>.</summary>
    ReadOnlySpan<T> FinalState { get; }

    /// <summary>When true, each forward pass starts from the previous <see cref="FinalState"/> (streams, truncated BPTT).</summary>
    bool CarryState { get; set; }

    /// <summary>
    /// Whether forward passes train (default true, as a new PyTorch module): declared dropout applies only while training,
    /// with new masks each pass. Set it to false to evaluate; <c>Step</c> and free-running decoding never drop.
    /// </summary>
    bool Training { get; set; }

    /// <summary>The generator dropout masks are drawn from (seeded from the constructor's seed; give each replica its own).</summary>
    Randomness.Xoshiro256StarStar DropoutRandom { get; set; }

    /// <summary>Bytes the instance holds, by purpose.</summary>
    Memory.MemoryFootprint Footprint { get; }

    /// <summary>The declaration the model was generated from.</summary>
    ModelArchitecture Architecture { get; }

    /// <summary>Threads for large matrix products (default 1; results are bit-identical for any count).</summary>
    int Threads { get; set; }

    /// <summary>
    /// First output step that <c>Loss</c> and <c>Backward</c> count (default 0: all). Truncated BPTT(k1, k2) sets it
    /// to k2 − k1 so each window counts only its last k1 outputs; targets before it are not read.
    /// </summary>
    int LossStartStep { get; set; }

    /// <summary>
    /// Copies the state after input step <paramref name="step"/> of the last forward pass (h, and c for LSTM layers, in the
    /// layout of <see cref="InitialState"/>) into <paramref name="destination"/>: the state a window that starts at
    /// step + 1 continues from. Not available for bidirectional models.
    /// </summary>
    void CopyStateAfterStep(int step, Span<T> destination);
}

/// <summary>A model that reads token ids (<see cref="TokenInputAttribute"/>).</summary>
public interface ITokenInputModel<T> : IRnnModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the forward pass over token ids, time-major <c>[Steps, Batch]</c>.</summary>
    void Forward(ReadOnlySpan<int> tokens);
}

/// <summary>A model that reads dense vectors (<see cref="VectorInputAttribute"/>).</summary>
public interface IVectorInputModel<T> : IRnnModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the forward pass over vectors, time-major <c>[Steps, Batch, InputSize]</c>.</summary>
    void Forward(ReadOnlySpan<T> inputs);

    /// <summary>When true, <c>Backward</c> also computes <see cref="InputGradient"/> (one extra matrix product).</summary>
    bool ComputeInputGradient { get; set; }

    /// <summary><c>d(Loss)/d(inputs)</c> from the last backward pass with <see cref="ComputeInputGradient"/> set, <c>[Steps, Batch, InputSize]</c>.</summary>
    ReadOnlySpan<T> InputGradient { get; }
}

/// <summary>A model whose targets are class ids (<see cref="SoftmaxOutputAttribute"/>).</summary>
public interface IClassTargetModel<T> : IRnnModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Cross-entropy of the last forward pass against class ids <c>[OutputSteps, Batch]</c>: summed over steps, averaged over the batch.</summary>
    T Loss(ReadOnlySpan<int> targets);

    /// <summary>Adds <c>d(Loss)/d(parameters)</c> of the last forward pass into <see cref="IRnnModel{T}.Gradients"/>.</summary>
    void Backward(ReadOnlySpan<int> targets);
}

/// <summary>A model whose targets are values (<see cref="LinearOutputAttribute"/>, <see cref="SigmoidOutputAttribute"/>).</summary>
public interface IValueTargetModel<T> : IRnnModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Loss of the last forward pass against targets <c>[OutputSteps, Batch, OutputSize]</c>: summed over steps, averaged over the batch.</summary>
    T Loss(ReadOnlySpan<T> targets);

    /// <summary>Adds <c>d(Loss)/d(parameters)</c> of the last forward pass into <see cref="IRnnModel{T}.Gradients"/>.</summary>
    void Backward(ReadOnlySpan<T> targets);
}

/// <summary>
/// The whole supervised surface of a generated model with its input and target element types spelled out
/// (<c>int</c> for token ids and class ids, <typeparamref name="T"/> for vectors), so generic code — trainers,
/// benchmarks, tests — can drive any model.
/// </summary>
/// <typeparam name="T">Element type of parameters.</typeparam>
/// <typeparam name="TInput"><c>int</c> (token input) or <typeparamref name="T"/> (vector input).</typeparam>
/// <typeparam name="TTarget"><c>int</c> (softmax output) or <typeparamref name="T"/> (linear or sigmoid output).</typeparam>
public interface ISupervisedModel<T, TInput, TTarget> : IRnnModel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    /// <summary>Runs the forward pass (for generating models: inference, each step fed the previous prediction).</summary>
    void Forward(ReadOnlySpan<TInput> inputs);

    /// <summary>Loss of the last forward pass.</summary>
    T Loss(ReadOnlySpan<TTarget> targets);

    /// <summary>Adds the gradient of the loss into the gradients.</summary>
    void Backward(ReadOnlySpan<TTarget> targets);

    /// <summary>Zero gradients, forward, loss, backward, clip (0: off), update; returns the loss before the update.</summary>
    T TrainStep(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, IOptimizer<T> optimizer, T clipNorm);
}

/// <summary>
/// A one-to-many or encoder–decoder model: each output step feeds the next step's input. Its decoder also runs one
/// step at a time over states the caller owns (<see cref="IDecoderStepModel{T, TInput, TStep}"/>), which beam search
/// (<see cref="Inference.BeamSearch{T}"/>) builds on.
/// </summary>
public interface IGeneratingModel<T, TInput, TTarget> : ISupervisedModel<T, TInput, TTarget>, IDecoderStepModel<T, TInput, TTarget>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TInput : unmanaged
    where TTarget : unmanaged
{
    /// <summary>Training-time forward pass with teacher forcing: step t &gt; 0 reads the target of step t − 1.</summary>
    void Forward(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets);

    /// <summary>
    /// Teacher forcing over targets of different lengths (<c>targetLengths[b]</c> in <c>[0, OutputSteps]</c>, 0: an unused
    /// lane): the loss then counts real target steps only, averaged over the lanes in use.
    /// </summary>
    void Forward(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, ReadOnlySpan<int> targetLengths);

    /// <summary>Zero gradients, teacher-forced forward with <paramref name="targetLengths"/>, loss, backward, clip (0: off), update.</summary>
    T TrainStep(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, ReadOnlySpan<int> targetLengths, IOptimizer<T> optimizer, T clipNorm);

    /// <summary>Each lane's target length in the last pass (<c>OutputSteps</c> for every lane unless a pass was given target lengths).</summary>
    ReadOnlySpan<int> TargetLengths { get; }
}

/// <summary>
/// A generating model whose outputs are tokens (<see cref="SoftmaxOutputAttribute"/>): it samples them
/// (<c>Generate</c>) and keeps what it chose. Generating models with a linear or sigmoid head feed their output vectors
/// back and have none of these members.
/// </summary>
/// <typeparam name="T">Element type of parameters.</typeparam>
/// <typeparam name="TInput"><c>int</c> (token input) or <typeparamref name="T"/> (vector input).</typeparam>
public interface ITokenGeneratingModel<T, TInput> : IGeneratingModel<T, TInput, int>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TInput : unmanaged
{
    /// <summary>Like <c>Forward(inputs)</c>, but each step's token is drawn from softmax(z/temperature) with <paramref name="random"/> (temperature 0: the most likely token).</summary>
    void Generate(ReadOnlySpan<TInput> inputs, T temperature, Randomness.Xoshiro256StarStar random);

    /// <summary>As <see cref="Generate(ReadOnlySpan{TInput}, T, Randomness.Xoshiro256StarStar)"/>, each draw restricted to the <paramref name="topK"/> most likely tokens (0: all), then to the nucleus of probability <paramref name="topP"/> (1: all).</summary>
    void Generate(ReadOnlySpan<TInput> inputs, T temperature, Randomness.Xoshiro256StarStar random, int topK, T topP);

    /// <summary>The token chosen at each output step by the last <c>Forward(inputs)</c> or <c>Generate</c>, <c>[OutputSteps, Batch]</c>.</summary>
    ReadOnlySpan<int> Generated { get; }

    /// <summary>Each lane's generated length in the last <c>Forward(inputs)</c> or <c>Generate</c> (up to and including its first end token, or OutputSteps).</summary>
    ReadOnlySpan<int> GeneratedLengths { get; }
}
