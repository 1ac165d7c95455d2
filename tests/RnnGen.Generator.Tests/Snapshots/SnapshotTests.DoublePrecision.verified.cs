
        private const double RnnInverseBatch = 1d / Batch;

        /// <summary>All parameters in one flat buffer, laid out as <see cref="Tensors"/> says.</summary>
        public global::System.Span<double> Parameters => _rnnParameters.Span;

        /// <summary>Layer 0, steps 0 to 1.</summary>
        private void RnnForwardL0Steps0To1()
        {
            var a = _rnnActivations.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 12); // h_t, [Steps, Batch, 3]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 6); // h before the first step
            var gates = a.Slice(RnnLayout.GatesL0, 48); // [Steps, Batch, 4·3]
            var c = a.Slice(RnnLayout.CellL0, 12); // c_t, [Steps, Batch, 3]
            var c0 = _rnnInitialState.Span.Slice(RnnLayout.StateCL0, 6); // c before step 0
            // [i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh
            // i, f, o = σ(·);  g = tanh(·)
            // c_t = f⊙c_(t-1) + i⊙g;  h_t = o⊙tanh(c_t)
            // t = 0
            global::RnnGen.Kernels.Gemm.NT(m: 2, h0, lda: 3, _rnnPacked, gates.Slice(0, 24), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(0, 24), c0, c.Slice(0, 6), h.Slice(0, 6), ldh: 3, batch: 2, hidden: 3);
            // t = 1
            global::RnnGen.Kernels.Gemm.NT(m: 2, h.Slice(0, 6), lda: 3, _rnnPacked, gates.Slice(24, 24), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(24, 24), c.Slice(0, 6), c.Slice(6, 6), h.Slice(6, 6), ldh: 3, batch: 2, hidden: 3);
        }

        private double RnnLossCore(global::System.ReadOnlySpan<int> targets)
        {
            var a = _rnnActivations.Span;
            // Rows from LossStartStep on count; the loss sums over them and averages over the batch.
            int first = _rnnLossStartStep * Batch;
            // −log p[y] = log Σ exp(z) − z_y, with z_y = h·W_head[y] + b_head[y] recomputed exactly.
            return global::RnnGen.Losses.Softmax.CrossEntropyLoss(targets.Slice(first), a.Slice(RnnLayout.HiddenL0 + first * 3, 12 - first * 3), ldx: 3, width: 3, _rnnParameters.Span.Slice(RnnLayout.HeadWeight, 12), _rnnParameters.Span.Slice(RnnLayout.HeadBias, 4), a.Slice(RnnLayout.LogSumExp + first, 4 - first), rows: 4 - first, RnnInverseBatch);
        }
