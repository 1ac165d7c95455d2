using System.Globalization;
using RnnGen.Cells;
using RnnGen.Inputs;
using RnnGen.Kernels;
using RnnGen.Losses;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>-- forward-phases [--configs a,b] [--rounds N]</c>: where an LSTM forward pass's time goes, per peer configuration,
/// by calling the kernels the generated forward calls, in its shapes: the input projection (bias broadcast and one
/// product over all T·B rows), packing W_hh, the T recurrent products, the T cells, and the head (bias, product,
/// softmax). Each phase's GFLOP/s is shown against its share of the forward's FLOPs; medians of alternating rounds.
/// </summary>
public static class ForwardPhases
{
    public static int Run(string[] args) => PhaseTable.Print(args, Columns, Row);

    private static readonly string[] Columns =
    {
        "config (I, H, T, B)",
        "forward ms",
        "input ms (GFLOP/s)",
        "pack W_hh ms",
        "recurrent ms (GFLOP/s)",
        "cells ms",
        "head ms (GFLOP/s)",
        "entry and exit ms",
        "sum of phases ms",
        "recurrent and cells interleaved ms",
        "all phases in one ms",
    };

    private static string Row(Workload w, int rounds)
    {
        var p = new Phases(w.Input, w.Hidden, w.Steps, w.Batch, w.Classes);
        Action[] phases = { w.Forward, p.Input, p.Pack, p.Recurrent, p.Cells, p.Head, p.EntryAndExit, p.Interleaved, p.All };
        double[] m = Timing.AlternatingMedians(phases, rounds);
        double gf(double flops, double ms) => flops / (ms * 1e6);
        double rows = (double)w.Steps * w.Batch, g = 4.0 * w.Hidden;
        return string.Create(CultureInfo.InvariantCulture,
            $"| LSTM {w.Input}, {w.Hidden}, {w.Steps}, {w.Batch} | {m[0]:F3} | {m[1]:F3} ({gf(2 * rows * g * w.Input, m[1]):F0}) | {m[2]:F3} | {m[3]:F3} ({gf(2 * rows * g * w.Hidden, m[3]):F0}) | {m[4]:F3} | {m[5]:F3} ({gf(2 * rows * w.Hidden * w.Classes, m[5]):F0}) | {m[6]:F3} | {m.Skip(1).Take(6).Sum():F3} | {m[7]:F3} | {m[8]:F3} |");
    }

    /// <summary>Buffers in the generated forward's shapes and one action per phase.</summary>
    private sealed class Phases
    {
        private readonly int _i, _h, _t, _b, _c, _rows;
        private readonly float[] _x, _wIh, _wHh, _bias, _gates, _hs, _cs, _wHead, _bHead, _z, _lse;
        private readonly PackedMatrix<float> _packed;
        private readonly PackedLanes _lanes;
        private readonly float[] _xPacked, _output, _h0, _h0Sorted;

        public Phases(int input, int hidden, int steps, int batch, int classes)
        {
            (_i, _h, _t, _b, _c, _rows) = (input, hidden, steps, batch, classes, steps * batch);
            var r = new Randomness.Xoshiro256StarStar(7);
            float[] fill(int n, double scale) { var v = new float[n]; for (int k = 0; k < n; k++) v[k] = (float)(scale * r.NextUniform(-1, 1)); return v; }
            int g = 4 * hidden;
            _x = fill(_rows * input, 1); _wIh = fill(g * input, 0.1); _wHh = fill(g * hidden, 0.1); _bias = fill(g, 0.1);
            _gates = new float[_rows * g]; _hs = new float[(_rows + batch) * hidden]; _cs = new float[(_rows + batch) * hidden];
            _wHead = fill(classes * hidden, 0.1); _bHead = fill(classes, 0.1); _z = new float[_rows * classes]; _lse = new float[_rows];
            _packed = new PackedMatrix<float>(g, hidden);
            _packed.PackNT(_wHh, g, hidden, hidden);
            _lanes = new PackedLanes(steps, batch);
            _xPacked = new float[_x.Length]; _output = new float[_z.Length]; _h0 = fill(batch * hidden, 1); _h0Sorted = new float[batch * hidden];
            Input();
        }

        public void Input()
        {
            int g = 4 * _h;
            Bias.Broadcast<float>(_gates, _rows, g, g, _bias);
            Gemm.NT<float>(_rows, g, _i, _x, _i, _wIh, _i, _gates, g, accumulate: true);
        }

        /// <summary>What a forward does around the kernels: the inputs' check, the lanes, the inputs packed and the output
        /// unpacked (the state saved is left out).</summary>
        public void EntryAndExit()
        {
            ArgumentChecks.Finite<float>(_x, _x.Length, "[Steps, Batch, InputSize]", "inputs");
            _lanes.SetFull();
            _lanes.PackRows<float>(_x, _i, _xPacked);
            _lanes.SortLanes<float>(_h0, _h, _h0Sorted);
            _lanes.SortLanes<float>(_h0, _h, _h0Sorted);
            _lanes.UnpackRows<float>(_z, _c, _output);
        }

        public void All() { EntryAndExit(); Input(); Pack(); Interleaved(); Head(); }

        public void Pack() => _packed.PackNT(_wHh, 4 * _h, _h, _h);

        public void Recurrent()
        {
            for (int t = 0; t < _t; t++) Product(t);
        }

        public void Cells()
        {
            for (int t = 0; t < _t; t++) Cell(t);
        }

        public void Interleaved()
        {
            for (int t = 0; t < _t; t++)
            {
                Product(t);
                Cell(t);
            }
        }

        /// <summary>Step t's recurrent product: read in place at batch 1, against the packed W_hh above.</summary>
        private void Product(int t)
        {
            int g = 4 * _h;
            var h = new ReadOnlySpan<float>(_hs, t * _b * _h, _b * _h);
            var gates = new Span<float>(_gates, t * _b * g, _b * g);
            if (_b == 1) Gemm.NT<float>(1, g, _h, h, _h, _wHh, _h, gates, g, accumulate: true);
            else Gemm.NT(_b, h, _h, _packed, gates, g, accumulate: true);
        }

        /// <summary>Step t's cell (timed alone, it reads gates a product left; rerun on its own outputs they stay bounded).</summary>
        private void Cell(int t)
        {
            int g = 4 * _h;
            LstmCell.Forward<float>(new Span<float>(_gates, t * _b * g, _b * g), new ReadOnlySpan<float>(_cs, t * _b * _h, _b * _h),
                new Span<float>(_cs, (t + 1) * _b * _h, _b * _h), new Span<float>(_hs, (t + 1) * _b * _h, _b * _h), _h, _b, _h);
        }

        public void Head()
        {
            Bias.Broadcast<float>(_z, _rows, _c, _c, _bHead);
            Gemm.NT<float>(_rows, _c, _h, new ReadOnlySpan<float>(_hs, _b * _h, _rows * _h), _h, _wHead, _h, _z, _c, accumulate: true);
            Softmax.Rows<float>(_z, _rows, _c, _lse);
        }
    }
}
