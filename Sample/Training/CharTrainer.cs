using System.Numerics;
using System.Runtime.InteropServices;
using RnnGen.Sample.Models;

namespace RnnGen.Sample.Training;

/// <summary>
/// Truncated BPTT(k1, k2) over a token stream (DESIGN.md §4), data-parallel over replicas of one generated model.
/// The stream is cut into <see cref="Lanes"/> contiguous lanes (replica r owns lanes r·Batch … r·Batch + Batch − 1);
/// each window of k2 = <c>Steps</c> tokens advances by k1 = <see cref="Stride"/> and starts from the state its lanes
/// had k1 steps into the previous window (carried, not differentiated), counting the loss of its last k1 outputs. The
/// replicas run their forward and backward passes on separate threads; their gradients are averaged (the same update
/// as one model with all lanes in its batch), clipped, applied once, and the parameters copied back to every replica.
/// The sum is taken in a fixed order, so a seed gives the same run on one thread or several.
/// </summary>
public sealed class CharTrainer
{
    private readonly ICharModel[] _replicas;
    private readonly int[][] _x, _y;
    private readonly float[][] _state;
    private readonly double[] _loss;

    /// <summary>Creates a trainer; the replicas' parameters are set to the first replica's.</summary>
    public CharTrainer(IReadOnlyList<ICharModel> replicas, int stride, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfZero(replicas.Count);
        _replicas = [.. replicas];
        ICharModel first = _replicas[0];
        if (stride < 1 || stride > first.Steps) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride must lie in [1, {first.Steps}].");
        Stride = stride;
        Threads = Math.Clamp(threads, 1, _replicas.Length);
        _x = [.. _replicas.Select(m => new int[m.Steps * m.Batch])];
        _y = [.. _replicas.Select(m => new int[m.Steps * m.Batch])];
        _state = [.. _replicas.Select(m => new float[m.InitialState.Length])];
        _loss = new double[_replicas.Length];
        SyncParameters();
    }

    /// <summary>k1: steps a window advances.</summary>
    public int Stride { get; }

    /// <summary>k2: steps per window.</summary>
    public int Window => _replicas[0].Steps;

    /// <summary>Lanes read side by side: replicas × batch.</summary>
    public int Lanes => _replicas.Length * _replicas[0].Batch;

    /// <summary>Threads the replicas run on.</summary>
    public int Threads { get; }

    /// <summary>Gradient clipping by global norm; 0 turns it off.</summary>
    public float ClipNorm { get; set; }

    /// <summary>The model whose parameters the optimizer updates (and that is saved and sampled).</summary>
    public ICharModel Model => _replicas[0];

    /// <summary>Windows one pass over a stream of <paramref name="length"/> tokens takes.</summary>
    public int WindowsPerEpoch(int length, int stride)
    {
        int lane = length / Lanes;
        return lane < Window + 1 ? 0 : (lane - Window - 1) / stride + 1;
    }

    /// <summary>Characters a training window counts (its last k1 outputs in every lane).</summary>
    public int CharsPerWindow => Stride * Lanes;

    /// <summary>Forgets the carried state: the next window starts every lane from zeros.</summary>
    public void ResetState()
    {
        foreach (float[] s in _state) Array.Clear(s);
    }

    /// <summary>
    /// Trains on window <paramref name="window"/> of a pass over <paramref name="stream"/> whose lanes start at
    /// <paramref name="shift"/> (lane b reads from <c>shift + b·laneLength</c>, wrapping at the end). Returns the
    /// loss per counted character in nats.
    /// </summary>
    public double TrainWindow(int[] stream, int shift, int window, IOptimizer<float> optimizer)
    {
        int steps = Window, counted = window == 0 ? steps : Stride;
        Run(r =>
        {
            ICharModel m = _replicas[r];
            Fill(stream, shift, window * Stride, r);
            _state[r].CopyTo(m.InitialState);
            m.CarryState = false;
            m.LossStartStep = steps - counted;
            m.Forward(_x[r]);
            _loss[r] = m.Loss(_y[r]);
            m.ZeroGradients();
            m.Backward(_y[r]);
            m.CopyStateAfterStep(Stride - 1, _state[r]);
            m.LossStartStep = 0;
        });

        Span<float> g = Model.Gradients;
        for (int r = 1; r < _replicas.Length; r++) Add(g, _replicas[r].Gradients);
        if (_replicas.Length > 1) Scale(g, 1f / _replicas.Length);
        float norm = ClipNorm > 0 ? GradientClipping.ClipByGlobalNorm(g, ClipNorm) : GradientClipping.GlobalNorm<float>(g);
        double loss = _loss.Average();
        if (!double.IsFinite(loss) || !float.IsFinite(norm)) throw new TrainingDivergedException(loss, norm);
        optimizer.Step(Model.Parameters, g);
        SyncParameters();
        return loss / counted;
    }

    /// <summary>Mean loss per character in nats over <paramref name="stream"/>, windows side by side, state carried.</summary>
    public double Evaluate(int[] stream)
    {
        int windows = WindowsPerEpoch(stream.Length, Window);
        if (windows == 0) return double.NaN;
        foreach (float[] s in _state) Array.Clear(s);
        double total = 0;
        for (int w = 0; w < windows; w++)
        {
            Run(r =>
            {
                ICharModel m = _replicas[r];
                Fill(stream, 0, w * Window, r);
                _state[r].CopyTo(m.InitialState);
                m.CarryState = false;
                m.Forward(_x[r]);
                _loss[r] = m.Loss(_y[r]);
                m.FinalState.CopyTo(_state[r]);
            });
            total += _loss.Average() / Window;
        }
        foreach (float[] s in _state) Array.Clear(s);
        return total / windows;
    }

    private void Fill(int[] stream, int shift, int position, int replica)
    {
        int batch = _replicas[replica].Batch, steps = Window, lane = stream.Length / Lanes, n = stream.Length;
        int[] x = _x[replica], y = _y[replica];
        for (int b = 0; b < batch; b++)
        {
            int start = shift + (replica * batch + b) * lane + position;
            for (int t = 0; t < steps; t++)
            {
                x[t * batch + b] = stream[(start + t) % n];
                y[t * batch + b] = stream[(start + t + 1) % n];
            }
        }
    }

    private void Run(Action<int> work)
    {
        if (Threads == 1)
        {
            for (int r = 0; r < _replicas.Length; r++) work(r);
            return;
        }
        try
        {
            Parallel.For(0, _replicas.Length, new ParallelOptions { MaxDegreeOfParallelism = Threads }, work);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
    }

    private void SyncParameters()
    {
        for (int r = 1; r < _replicas.Length; r++) Model.Parameters.CopyTo(_replicas[r].Parameters);
    }

    private static void Add(Span<float> into, ReadOnlySpan<float> values)
    {
        Span<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(into);
        ReadOnlySpan<Vector<float>> b = MemoryMarshal.Cast<float, Vector<float>>(values);
        for (int i = 0; i < a.Length; i++) a[i] += b[i];
        for (int i = a.Length * Vector<float>.Count; i < into.Length; i++) into[i] += values[i];
    }

    private static void Scale(Span<float> values, float factor)
    {
        Span<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(values);
        for (int i = 0; i < a.Length; i++) a[i] *= factor;
        for (int i = a.Length * Vector<float>.Count; i < values.Length; i++) values[i] *= factor;
    }
}
