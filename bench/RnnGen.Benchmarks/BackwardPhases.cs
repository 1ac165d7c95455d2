using System.Globalization;
using RnnGen.Cells;
using RnnGen.Inputs;
using RnnGen.Kernels;
using RnnGen.Losses;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>-- backward-phases [--configs a,b] [--rounds N]</c>: where an LSTM backward pass's time goes, per peer
/// configuration, by calling the kernels the generated backward calls, in its shapes: the loss's dz and the head
/// (dW_head, db_head, dh = dz·W_head), packing W_hh, the T cells' backward and the T products dh_(t-1) += dgates·W_hh,
/// the weight gradients (dW_ih, dW_hh with h_(t-1) gathered, the bias sums) and the input's gradient. Medians of
/// alternating rounds; each product's GFLOP/s in brackets.
/// </summary>
public static class BackwardPhases
{
    public static int Run(string[] args) => PhaseTable.Print(args, Columns, Row);

    private static readonly string[] Columns =
    {
        "config (I, H, T, B)",
        "backward ms",
        "loss and head ms (GFLOP/s)",
        "pack W_hh ms",
        "cells ms",
        "recurrent products ms (GFLOP/s)",
        "weight gradients ms (GFLOP/s)",
        "input gradient ms (GFLOP/s)",
        "sum of phases ms",
    };

    private static string Row(Workload w, int rounds)
    {
        var p = new Phases(w.Input, w.Hidden, w.Steps, w.Batch, w.Classes);
        Action backward = () => { w.Forward(); w.Backward(); };
        Action[] phases = { backward, w.Forward, p.Head, p.Pack, p.RestoreAndCells, p.Products, p.WeightGradients, p.InputGradient, p.Restore };
        double[] m = Timing.AlternatingMedians(phases, rounds);
        m[4] -= m[8]; // the cells alone: each call first restores the activations they overwrite
        double rows = (double)w.Steps * w.Batch, g = 4.0 * w.Hidden, h = w.Hidden;
        string gf(double flops, double ms) => (flops / (ms * 1e6)).ToString("F0", CultureInfo.InvariantCulture);
        double headFlops = 2 * 2 * rows * h * w.Classes, productFlops = 2 * rows * g * h, weightFlops = 2 * rows * g * (w.Input + h), inputFlops = 2 * rows * g * w.Input;
        return string.Create(CultureInfo.InvariantCulture,
            $"| LSTM {w.Input}, {w.Hidden}, {w.Steps}, {w.Batch} | {m[0] - m[1]:F3} | {m[2]:F3} ({gf(headFlops, m[2])}) | {m[3]:F3} | {m[4]:F3} | {m[5]:F3} ({gf(productFlops, m[5])}) | {m[6]:F3} ({gf(weightFlops, m[6])}) | {m[7]:F3} ({gf(inputFlops, m[7])}) | {m.Skip(2).Take(6).Sum():F3} |");
    }

    /// <summary>Buffers in the generated backward's shapes and one action per phase.</summary>
    private sealed class Phases
    {
        private readonly int _i, _h, _t, _b, _c, _rows;
        private readonly float[] _x, _wIh, _wHh, _gates, _cellGates, _hs, _cs, _dh, _dc, _wHead, _p, _dz, _previous, _dx;
        private readonly float[] _dWih, _dWhh, _dbIh, _dbHh, _dWhead, _dbHead;
        private readonly int[] _targets;
        private readonly PackedMatrix<float> _packed;
        private readonly PackedLanes _lanes;

        public Phases(int input, int hidden, int steps, int batch, int classes)
        {
            (_i, _h, _t, _b, _c, _rows) = (input, hidden, steps, batch, classes, steps * batch);
            var r = new Randomness.Xoshiro256StarStar(9);
            float[] fill(int n, double lo, double hi) { var v = new float[n]; for (int k = 0; k < n; k++) v[k] = (float)r.NextUniform(lo, hi); return v; }
            int g = 4 * hidden;
            _x = fill(_rows * input, -1, 1); _wIh = fill(g * input, -0.1, 0.1); _wHh = fill(g * hidden, -0.1, 0.1);
            _gates = fill(_rows * g, 0.05, 0.95); // activations in (0, 1), as the forward leaves them
            _cellGates = new float[_rows * g];
            _hs = fill((_rows + batch) * hidden, -0.9, 0.9); _cs = fill((_rows + batch) * hidden, -0.9, 0.9);
            _dh = fill(_rows * hidden, -0.1, 0.1); _dc = new float[batch * hidden];
            _wHead = fill(classes * hidden, -0.1, 0.1);
            _p = new float[_rows * classes];
            for (int row = 0; row < _rows; row++) _p.AsSpan(row * classes, classes).Fill(1f / classes);
            _targets = new int[_rows];
            for (int k = 0; k < _rows; k++) _targets[k] = r.NextInt(classes);
            _dz = new float[_rows * classes]; _previous = new float[_rows * hidden]; _dx = new float[_rows * input];
            _dWih = new float[g * input]; _dWhh = new float[g * hidden]; _dbIh = new float[g]; _dbHh = new float[g];
            _dWhead = new float[classes * hidden]; _dbHead = new float[classes];
            _packed = new PackedMatrix<float>(capacityN: hidden, capacityK: g); // W_hh as B of dgates·W_hh: k = 4H, n = H
            _packed.PackNN(_wHh, g, hidden, hidden);
            _lanes = new PackedLanes(steps, batch);
            _lanes.SetFull();
        }

        public void Head()
        {
            Softmax.CrossEntropyBackward<float>(_p, _targets, _dz, _rows, _c, 1f / _b);
            Gemm.TN<float>(_c, _h, _rows, _dz, _c, new ReadOnlySpan<float>(_hs, _b * _h, _rows * _h), _h, _dWhead, _h, accumulate: true);
            Bias.AccumulateColumnSums<float>(_dz, _rows, _c, _c, _dbHead);
            Gemm.NN<float>(_rows, _h, _c, _dz, _c, _wHead, _h, _dh, _h, accumulate: false);
        }

        public void Pack() => _packed.PackNN(_wHh, 4 * _h, _h, _h);

        /// <summary>The activations copied into the buffer the cells overwrite with gate gradients: timed on its own and
        /// subtracted from <see cref="RestoreAndCells"/>, so that every call of the cells sees activations, not the
        /// ever smaller gradients of the call before.</summary>
        public void Restore() => _gates.CopyTo(_cellGates, 0);

        public void RestoreAndCells()
        {
            Restore();
            int g = 4 * _h;
            for (int t = _t - 1; t >= 0; t--)
                LstmCell.Backward<float>(new Span<float>(_cellGates, t * _b * g, _b * g), new ReadOnlySpan<float>(_cs, t * _b * _h, _b * _h),
                    new ReadOnlySpan<float>(_cs, (t + 1) * _b * _h, _b * _h), new ReadOnlySpan<float>(_dh, t * _b * _h, _b * _h), _h, _dc, _b, _h);
        }

        public void Products()
        {
            int g = 4 * _h;
            for (int t = _t - 1; t >= 1; t--)
                Gemm.NN(_b, new ReadOnlySpan<float>(_gates, t * _b * g, _b * g), g, _packed, new Span<float>(_dh, (t - 1) * _b * _h, _b * _h), _h, accumulate: true);
        }

        public void WeightGradients()
        {
            int g = 4 * _h;
            Gemm.TN<float>(g, _i, _rows, _gates, g, _x, _i, _dWih, _i, accumulate: true);
            Bias.AccumulateColumnSums<float>(_gates, _rows, g, g, _dbIh);
            _lanes.PreviousRows<float>(new ReadOnlySpan<float>(_hs, _b * _h, _rows * _h), _h, 0, _h, false, new ReadOnlySpan<float>(_hs, 0, _b * _h), _previous);
            Gemm.TN<float>(g, _h, _rows, _gates, g, _previous, _h, _dWhh, _h, accumulate: true);
            Bias.AccumulateColumnSums<float>(_gates, _rows, g, g, _dbHh);
        }

        public void InputGradient() => Gemm.NN<float>(_rows, _i, 4 * _h, _gates, 4 * _h, _wIh, _i, _dx, _i, accumulate: false);
    }
}
