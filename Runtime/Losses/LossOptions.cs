using System.Numerics;
using RnnGen.Inputs;

namespace RnnGen;

/// <summary>How a model's built-in loss is reduced over its output rows.</summary>
public enum LossReduction
{
    /// <summary>
    /// The default: summed over output steps, divided by the lanes in use (the batch when all lanes are full). A longer
    /// sequence weighs more, and the gradients grow with the steps.
    /// </summary>
    SumOverStepsMeanOverLanes,

    /// <summary>
    /// PyTorch's <c>'mean'</c>: the weighted mean over the real output rows (tokens). Softmax: divided by the sum of the
    /// weights of the targets, Σ sampleWeight·classWeight[y] (PyTorch's <c>CrossEntropyLoss(weight=…)</c>); sigmoid and
    /// linear: divided by OutputSize · Σ sampleWeight (PyTorch's element mean). About 1/steps of the default, so
    /// gradients (and a good SGD learning rate) change by that factor.
    /// </summary>
    MeanOverTokens,
}

/// <summary>
/// Options of a model's built-in loss, applied by <c>Loss</c>, <c>Backward</c> and <c>TrainStep</c> alike, with and without
/// lengths: the reduction, per-lane sample weights, and per head class weights and label smoothing (softmax,
/// PyTorch's <c>CrossEntropyLoss(weight, label_smoothing)</c>) or positive weights (sigmoid, PyTorch's
/// <c>BCEWithLogitsLoss(pos_weight)</c>). Every model owns one (<c>model.LossOptions</c>); at its defaults the loss is the
/// built-in one, bit for bit. Setters validate (a negative or non-finite weight, a smoothing outside [0, 1), a weight
/// the head does not take) and throw <see cref="ArgumentException"/> without changing anything; weights are copied.
/// </summary>
/// <typeparam name="T">The model's element type.</typeparam>
public sealed class LossOptions<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _classWeights, _positiveWeights, _sampleWeights;
    private T _labelSmoothing;
    private LossReduction _reduction;

    /// <summary>Options for a model with <paramref name="head"/>, <paramref name="outputSize"/> outputs and <paramref name="batch"/> lanes.</summary>
    public LossOptions(HeadKind head, int outputSize, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Head = head;
        _classWeights = head == HeadKind.Softmax ? new T[outputSize] : Array.Empty<T>();
        _positiveWeights = head == HeadKind.Sigmoid ? new T[outputSize] : Array.Empty<T>();
        _sampleWeights = new T[batch];
        Reset();
    }

    /// <summary>The head these options apply to.</summary>
    public HeadKind Head { get; }

    /// <summary>True while every option is at its default: the loss is then exactly the built-in one.</summary>
    public bool IsDefault { get; private set; }

    /// <summary>The reduction (default <see cref="LossReduction.SumOverStepsMeanOverLanes"/>).</summary>
    public LossReduction Reduction
    {
        get => _reduction;
        set
        {
            if (value is not (LossReduction.SumOverStepsMeanOverLanes or LossReduction.MeanOverTokens))
                throw new ArgumentOutOfRangeException(nameof(value), value, "Not a LossReduction.");
            _reduction = value;
            Update();
        }
    }

    /// <summary>
    /// Softmax heads: ε in [0, 1); the target distribution is (1 − ε)·onehot(y) + ε/C (PyTorch's <c>label_smoothing</c>).
    /// </summary>
    public T LabelSmoothing
    {
        get => _labelSmoothing;
        set
        {
            if (!(value >= T.Zero && value < T.One)) throw new ArgumentOutOfRangeException(nameof(value), value, "Label smoothing must lie in [0, 1).");
            if (value != T.Zero && Head != HeadKind.Softmax) throw new ArgumentException($"Label smoothing applies to a softmax head; this model's head is {Head}.", nameof(value));
            _labelSmoothing = value;
            Update();
        }
    }

    /// <summary>Softmax heads: the weight of each class, [OutputSize] (all 1 by default).</summary>
    public ReadOnlySpan<T> ClassWeights => _classWeights;

    /// <summary>Sigmoid heads: the weight of the positive term of each output, [OutputSize] (all 1 by default).</summary>
    public ReadOnlySpan<T> PositiveWeights => _positiveWeights;

    /// <summary>The weight of each lane's loss, [Batch] (all 1 by default).</summary>
    public ReadOnlySpan<T> SampleWeights => _sampleWeights;

    /// <summary>Sets <see cref="ClassWeights"/> (softmax heads; finite, ≥ 0; copied).</summary>
    public void SetClassWeights(ReadOnlySpan<T> weights)
    {
        if (Head != HeadKind.Softmax) throw new ArgumentException($"Class weights apply to a softmax head; this model's head is {Head}.", nameof(weights));
        Set(weights, _classWeights, "[OutputSize]", nameof(weights));
    }

    /// <summary>Sets <see cref="PositiveWeights"/> (sigmoid heads; finite, ≥ 0; copied).</summary>
    public void SetPositiveWeights(ReadOnlySpan<T> weights)
    {
        if (Head != HeadKind.Sigmoid) throw new ArgumentException($"Positive weights apply to a sigmoid head; this model's head is {Head}.", nameof(weights));
        Set(weights, _positiveWeights, "[OutputSize]", nameof(weights));
    }

    /// <summary>Sets <see cref="SampleWeights"/> (one per lane; finite, ≥ 0; copied).</summary>
    public void SetSampleWeights(ReadOnlySpan<T> weights) => Set(weights, _sampleWeights, "[Batch]", nameof(weights));

    /// <summary>Every option back to its default.</summary>
    public void Reset()
    {
        _classWeights.AsSpan().Fill(T.One);
        _positiveWeights.AsSpan().Fill(T.One);
        _sampleWeights.AsSpan().Fill(T.One);
        _labelSmoothing = T.Zero;
        _reduction = LossReduction.SumOverStepsMeanOverLanes;
        IsDefault = true;
    }

    private void Set(ReadOnlySpan<T> weights, T[] destination, string shape, string paramName)
    {
        ArgumentChecks.Length(weights.Length, destination.Length, shape, paramName);
        for (int i = 0; i < weights.Length; i++)
        {
            if (!T.IsFinite(weights[i]) || weights[i] < T.Zero)
                throw new ArgumentException($"Weight {weights[i]} at index {i} must be finite and at least 0.", paramName);
        }
        weights.CopyTo(destination);
        Update();
    }

    private void Update()
    {
        bool ones = true;
        foreach (T w in _classWeights) ones &= w == T.One;
        foreach (T w in _positiveWeights) ones &= w == T.One;
        foreach (T w in _sampleWeights) ones &= w == T.One;
        IsDefault = ones && _labelSmoothing == T.Zero && _reduction == LossReduction.SumOverStepsMeanOverLanes;
    }

    /// <summary>
    /// The loss of the real output rows from <paramref name="firstStep"/> on under these options, and (unless
    /// <paramref name="dLogits"/> is empty) its gradient with respect to the logits there (other rows untouched).
    /// Generated models call it; <paramref name="layout"/> says how rows map to steps and lanes: <c>packed</c> rows of
    /// <paramref name="lanes"/> (<c>manyToOne</c>: one row per lane in use), or <c>[steps, Batch]</c> rows whose real steps are
    /// those within <paramref name="lanes"/>' lengths. <paramref name="logits"/>, <paramref name="outputs"/> and the targets
    /// are in the same rows of <paramref name="n"/> values; <paramref name="lanesInUse"/> is the default reduction's divisor.
    /// </summary>
    public T Evaluate(PackedLanes lanes, LossRows layout, int firstStep, ReadOnlySpan<T> logits, ReadOnlySpan<T> outputs,
        ReadOnlySpan<int> classTargets, ReadOnlySpan<T> valueTargets, int n, int lanesInUse, Span<T> dLogits)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        // Two passes over the same rows: the divisor, then the loss and dz scaled by it.
        double divisor = 0, total = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            double scale = 1 / divisor;
            var rows = new RowWalker(lanes, layout, firstStep);
            while (rows.Next(out int row, out int lane))
            {
                double s = double.CreateTruncating(_sampleWeights[lane]);
                if (pass == 0)
                {
                    divisor += _reduction == LossReduction.SumOverStepsMeanOverLanes ? 0
                        : Head == HeadKind.Softmax ? s * double.CreateTruncating(_classWeights[classTargets[row]]) : s * n;
                    continue;
                }
                total += s * scale * Row(row, n, logits, outputs, classTargets, valueTargets, dLogits.IsEmpty ? default : dLogits.Slice(row * n, n), s * scale);
            }
            if (_reduction == LossReduction.SumOverStepsMeanOverLanes) divisor = lanesInUse;
        }
        return T.CreateTruncating(total);
    }

    /// <summary>One row's loss (unscaled), and its dz times <paramref name="scale"/> into <paramref name="dz"/> unless empty.</summary>
    private double Row(int row, int n, ReadOnlySpan<T> logits, ReadOnlySpan<T> outputs, ReadOnlySpan<int> classTargets, ReadOnlySpan<T> valueTargets, Span<T> dz, double scale)
    {
        ReadOnlySpan<T> z = logits.Slice(row * n, n), y = outputs.Slice(row * n, n);
        double loss = 0;
        switch (Head)
        {
            case HeadKind.Softmax:
            {
                // loss = (1 − ε)·w_y·(−log p_y) + (ε/C)·Σ_j w_j·(−log p_j), −log p_j = lse − z_j;
                // dz_k = (1 − ε)·w_y·(p_k − δ_ky) + (ε/C)·(Σ_j w_j·p_k − w_k).
                int target = classTargets[row];
                double epsilon = double.CreateTruncating(_labelSmoothing), max = double.NegativeInfinity, sum = 0, weightSum = 0;
                for (int j = 0; j < n; j++) max = Math.Max(max, double.CreateTruncating(z[j]));
                for (int j = 0; j < n; j++) sum += Math.Exp(double.CreateTruncating(z[j]) - max);
                double lse = max + Math.Log(sum), wy = double.CreateTruncating(_classWeights[target]);
                for (int j = 0; j < n; j++) weightSum += double.CreateTruncating(_classWeights[j]);
                loss = (1 - epsilon) * wy * (lse - double.CreateTruncating(z[target]));
                if (epsilon > 0)
                    for (int j = 0; j < n; j++) loss += epsilon / n * double.CreateTruncating(_classWeights[j]) * (lse - double.CreateTruncating(z[j]));
                if (!dz.IsEmpty)
                {
                    for (int k = 0; k < n; k++)
                    {
                        double p = double.CreateTruncating(y[k]);
                        double d = (1 - epsilon) * wy * (p - (k == target ? 1 : 0)) + epsilon / n * (weightSum * p - double.CreateTruncating(_classWeights[k]));
                        dz[k] = T.CreateTruncating(scale * d);
                    }
                }
                break;
            }
            case HeadKind.Sigmoid:
            {
                // loss = pw·t·softplus(−z) + (1 − t)·softplus(z) = −[pw·t·log σ(z) + (1 − t)·log(1 − σ(z))]; dz = (pw·t + 1 − t)·σ(z) − pw·t.
                for (int j = 0; j < n; j++)
                {
                    double zj = double.CreateTruncating(z[j]), t = double.CreateTruncating(valueTargets[row * n + j]), pw = double.CreateTruncating(_positiveWeights[j]);
                    loss += pw * t * Softplus(-zj) + (1 - t) * Softplus(zj);
                    if (!dz.IsEmpty) dz[j] = T.CreateTruncating(scale * ((pw * t + 1 - t) * double.CreateTruncating(y[j]) - pw * t));
                }
                break;
            }
            default:
            {
                // loss = Σ_j (y_j − t_j)²; dz = 2(y − t).
                for (int j = 0; j < n; j++)
                {
                    double e = double.CreateTruncating(y[j]) - double.CreateTruncating(valueTargets[row * n + j]);
                    loss += e * e;
                    if (!dz.IsEmpty) dz[j] = T.CreateTruncating(scale * 2 * e);
                }
                break;
            }
        }
        return loss;
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    /// <summary>The real output rows from a first step on, each with its lane (in the caller's order).</summary>
    private ref struct RowWalker(PackedLanes lanes, LossRows layout, int firstStep)
    {
        private int _step = firstStep, _index = -1;

        public bool Next(out int row, out int lane)
        {
            while (true)
            {
                int steps = layout == LossRows.ManyToOne ? 1 : lanes.Steps;
                if (_step >= steps) { row = lane = 0; return false; }
                _index++;
                if (layout == LossRows.Padded)
                {
                    if (_index >= lanes.Batch) { _step++; _index = -1; continue; }
                    if (_step >= lanes.Lengths[_index]) continue;
                    row = _step * lanes.Batch + _index;
                    lane = _index;
                    return true;
                }
                int count = layout == LossRows.ManyToOne ? lanes.Used : lanes.Rows[_step];
                if (_index >= count) { _step++; _index = -1; continue; }
                row = (layout == LossRows.ManyToOne ? 0 : lanes.Start[_step]) + _index;
                lane = lanes.LaneOf(_index);
                return true;
            }
        }
    }
}

/// <summary>How the rows a generated model hands to <see cref="LossOptions{T}.Evaluate"/> map to steps and lanes.</summary>
public enum LossRows
{
    /// <summary>Packed rows: step t holds the lanes still running, sorted longest first.</summary>
    Packed,

    /// <summary>Packed rows of a many-to-one model: one row per lane in use.</summary>
    ManyToOne,

    /// <summary><c>[steps, Batch]</c> rows in the caller's lane order; a step is real within the lane's length.</summary>
    Padded,
}
