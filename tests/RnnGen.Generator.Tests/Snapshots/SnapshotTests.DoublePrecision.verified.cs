
        private const double RnnInverseBatch = 1d / Batch;

        /// <summary>All parameters in one flat buffer, laid out as <see cref="Tensors"/> says (asking for them counts as a write: <see cref="global::RnnGen.SharedParameters{T}.MarkWritten"/>).</summary>
        public global::System.Span<double> Parameters { get { _rnnSharedParameters.MarkWritten(); return _rnnParameters.Span; } }

        /// <summary>Layer 0, steps 0 to 1.</summary>
        private void RnnForwardL0Steps0To1()
        {
            var a = _rnnActivations.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 12); // h_t, [Σ lengths (packed), 3]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 6); // h before the first step (lanes sorted)
            var gates = a.Slice(RnnLayout.GatesL0, 48); // [Σ lengths (packed), 4·3]
            var c = a.Slice(RnnLayout.CellL0, 12); // c_t, [Σ lengths (packed), 3]
            var c0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateCL0, 6); // c before step 0
            // [i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh
            // i, f, o = σ(·);  g = tanh(·)
            // c_t = f⊙c_(t-1) + i⊙g;  h_t = o⊙tanh(c_t)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n;
            // t = 0
            n = lanes[0];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            global::RnnGen.Kernels.Gemm.NT(m: n, h0.Slice(0, n * 3), lda: 3, _rnnPacked, gates.Slice(start[0] * 12, n * 12), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(start[0] * 12, n * 12), c0.Slice(0, n * 3), c.Slice(start[0] * 3, n * 3), h.Slice(start[0] * 3, n * 3), ldh: 3, batch: n, hidden: 3);
            // t = 1
            n = lanes[1];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            global::RnnGen.Kernels.Gemm.NT(m: n, h.Slice(start[0] * 3, n * 3), lda: 3, _rnnPacked, gates.Slice(start[1] * 12, n * 12), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(start[1] * 12, n * 12), c.Slice(start[0] * 3, n * 3), c.Slice(start[1] * 3, n * 3), h.Slice(start[1] * 3, n * 3), ldh: 3, batch: n, hidden: 3);
        }

        private double RnnLossCore(global::System.ReadOnlySpan<int> targets)
        {
            if (!_rnnLossOptions.IsDefault) return RnnOptionsLoss(targets, backward: false);
            var a = _rnnActivations.Span;
            // Real rows from LossStartStep on count; the loss sums over them and averages over the lanes in use.
            int first = _rnnLanes.Start[_rnnLossStartStep], rows = _rnnLanes.TotalRows;
            double inverse = 1 / (double)_rnnLanes.Used;
            var output = a.Slice(RnnLayout.OutputValues, rows * OutputSize);
            targets = RnnPackTargets(targets, rows);
            // −log p[y] = log Σ exp(z) − z_y, with z_y = h·W_head[y] + b_head[y] recomputed exactly.
            return global::RnnGen.Losses.Softmax.CrossEntropyLoss(targets.Slice(first, rows - first), a.Slice(RnnLayout.HiddenL0 + first * 3, (rows - first) * 3), ldx: 3, width: 3, _rnnParameters.Span.Slice(RnnLayout.HeadWeight, 12), _rnnParameters.Span.Slice(RnnLayout.HeadBias, 4), a.Slice(RnnLayout.LogSumExp + first, rows - first), rows: rows - first, inverse);
        }
