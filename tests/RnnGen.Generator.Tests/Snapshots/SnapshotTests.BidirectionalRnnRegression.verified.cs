
        /// <summary>Layer 0: RNN (tanh), 3 units, bidirectional; reads packed rows [Σ lengths, 2], writes h [Σ lengths, 6].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Input projection for all steps at once (one row per real step of each lane):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 3), p.Slice(RnnLayout.BiasHhL0, 3), s.Slice(RnnLayout.BiasSumL0, 3));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, 36), rows: rows, n: 3, ldc: 6, s.Slice(RnnLayout.BiasSumL0, 3));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 3, k: 2, a.Slice(RnnLayout.InputX, 12), lda: 2, p.Slice(RnnLayout.WeightIhL0, 6), ldb: 2, a.Slice(RnnLayout.HiddenL0, 36), ldc: 6, accumulate: true);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL0, 9), n: 3, k: 3, ldb: 3);
            RnnForwardL0Steps0To2();
            // Input projection (reverse) for all steps at once (one row per real step of each lane):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0Reverse, 3), p.Slice(RnnLayout.BiasHhL0Reverse, 3), s.Slice(RnnLayout.BiasSumL0Reverse, 3));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0 + 3, 33), rows: rows, n: 3, ldc: 6, s.Slice(RnnLayout.BiasSumL0Reverse, 3));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 3, k: 2, a.Slice(RnnLayout.InputX, 12), lda: 2, p.Slice(RnnLayout.WeightIhL0Reverse, 6), ldb: 2, a.Slice(RnnLayout.HiddenL0 + 3, 33), ldc: 6, accumulate: true);
            // The recurrence (reverse), unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL0Reverse, 9), n: 3, k: 3, ldb: 3);
            RnnForwardL0ReverseSteps2To0();
        }

        /// <summary>Layer 0 (reverse), steps 2 to 0.</summary>
        private void RnnForwardL0ReverseSteps2To0()
        {
            var a = _rnnActivations.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 36); // h_t, [Σ lengths (packed), 6]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 6); // h before the first step (lanes sorted)
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n, carried;
            // t = 2: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[2];
            if (n > 0)
            {
                global::RnnGen.Kernels.Gemm.NT(m: n, h0.Slice(0, n * 3), lda: 3, _rnnPacked, h.Slice(start[2] * 6 + 3, n * 6 - 3), ldc: 6, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[2] * 6 + 3, n * 6 - 3), ldh: 6, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = 1: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[1]; carried = lanes[2];
            if (carried > 0)
            {
                global::RnnGen.Kernels.Gemm.NT(m: carried, h.Slice(start[2] * 6 + 3, carried * 6 - 3), lda: 6, _rnnPacked, h.Slice(start[1] * 6 + 3, carried * 6 - 3), ldc: 6, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[1] * 6 + 3, carried * 6 - 3), ldh: 6, batch: carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                global::RnnGen.Kernels.Gemm.NT(m: n - carried, h0.Slice(carried * 3, (n - carried) * 3), lda: 3, _rnnPacked, h.Slice((start[1] + carried) * 6 + 3, (n - carried) * 6 - 3), ldc: 6, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[1] + carried) * 6 + 3, (n - carried) * 6 - 3), ldh: 6, batch: n - carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = 0: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[0]; carried = lanes[1];
            if (carried > 0)
            {
                global::RnnGen.Kernels.Gemm.NT(m: carried, h.Slice(start[1] * 6 + 3, carried * 6 - 3), lda: 6, _rnnPacked, h.Slice(start[0] * 6 + 3, carried * 6 - 3), ldc: 6, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[0] * 6 + 3, carried * 6 - 3), ldh: 6, batch: carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                global::RnnGen.Kernels.Gemm.NT(m: n - carried, h0.Slice(carried * 3, (n - carried) * 3), lda: 3, _rnnPacked, h.Slice((start[0] + carried) * 6 + 3, (n - carried) * 6 - 3), ldc: 6, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[0] + carried) * 6 + 3, (n - carried) * 6 - 3), ldh: 6, batch: n - carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (tanh), 3 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.WeightHhL0, 9), k: 3, n: 3, ldb: 3);
            RnnBackwardL0Steps2To0();
            // Steps in reverse (reverse): each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.WeightHhL0Reverse, 9), k: 3, n: 3, ldb: 3);
            RnnBackwardL0ReverseSteps0To2();
            // Weight gradients, summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 2, k: rows, s.Slice(RnnLayout.DhL0, rows * 6 - 3), lda: 6, a.Slice(RnnLayout.InputX, 12), ldb: 2, g.Slice(RnnLayout.WeightIhL0, 6), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, rows * 6 - 3), rows: rows, n: 3, ldy: 6, g.Slice(RnnLayout.BiasIhL0, 3));
            //   dW_hh: the gates of the first step pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[0]; // rows of step 0, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: firstRows, s.Slice(RnnLayout.DhL0, firstRows * 6 - 3), lda: 6, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 6), ldb: 3, g.Slice(RnnLayout.WeightHhL0, 9), ldc: 3, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.HiddenL0, 36), ld: 6, column: 0, width: 3, reverse: false, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 6), s.Slice(RnnLayout.PreviousRows, 18));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: rows - firstRows, s.Slice(RnnLayout.DhL0 + firstRows * 6, (rows - firstRows) * 6 - 3), lda: 6, s.Slice(RnnLayout.PreviousRows + firstRows * 3, (rows - firstRows) * 3), ldb: 3, g.Slice(RnnLayout.WeightHhL0, 9), ldc: 3, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, rows * 6 - 3), rows: rows, n: 3, ldy: 6, g.Slice(RnnLayout.BiasHhL0, 3));
            // Weight gradients (reverse), summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 2, k: rows, s.Slice(RnnLayout.DhL0 + 3, rows * 6 - 3), lda: 6, a.Slice(RnnLayout.InputX, 12), ldb: 2, g.Slice(RnnLayout.WeightIhL0Reverse, 6), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 3, rows * 6 - 3), rows: rows, n: 3, ldy: 6, g.Slice(RnnLayout.BiasIhL0Reverse, 3));
            //   dW_hh: the gates of the first step (reverse) pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[2]; // rows of step 2, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: firstRows, s.Slice(RnnLayout.DhL0 + _rnnLanes.Start[2] * 6 + 3, firstRows * 6 - 3), lda: 6, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 6), ldb: 3, g.Slice(RnnLayout.WeightHhL0Reverse, 9), ldc: 3, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.HiddenL0, 36), ld: 6, column: 3, width: 3, reverse: true, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 6), s.Slice(RnnLayout.PreviousRows, 18));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: rows - firstRows, s.Slice(RnnLayout.DhL0 + 3, (rows - firstRows) * 6 - 3), lda: 6, s.Slice(RnnLayout.PreviousRows, (rows - firstRows) * 3), ldb: 3, g.Slice(RnnLayout.WeightHhL0Reverse, 9), ldc: 3, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 3, rows * 6 - 3), rows: rows, n: 3, ldy: 6, g.Slice(RnnLayout.BiasHhL0Reverse, 3));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: rows, n: 2, k: 3, s.Slice(RnnLayout.DhL0, rows * 6 - 3), lda: 6, p.Slice(RnnLayout.WeightIhL0, 6), ldb: 2, s.Slice(RnnLayout.Dx, rows * 2), ldc: 2, accumulate: false);
                global::RnnGen.Kernels.Gemm.NN(m: rows, n: 2, k: 3, s.Slice(RnnLayout.DhL0 + 3, rows * 6 - 3), lda: 6, p.Slice(RnnLayout.WeightIhL0Reverse, 6), ldb: 2, s.Slice(RnnLayout.Dx, rows * 2), ldc: 2, accumulate: true);
                _rnnLanes.UnpackRows(s.Slice(RnnLayout.Dx, rows * 2), width: InputSize, _rnnInputGradient.Span);
            }
        }

        /// <summary>Backward through layer 0 (reverse), steps 0 down to 2.</summary>
        private void RnnBackwardL0ReverseSteps0To2()
        {
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 36); // h_t in packed rows, [Σ lengths, 6]
            var dh = s.Slice(RnnLayout.DhL0, 36); // dL/dh_t in packed rows, [Σ lengths, 6]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 6); // h before the first step (lanes sorted)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n, carried;
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = 0: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[0]; carried = lanes[1];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[0] * 6 + 3, carried * 6 - 3), lddh: 6, h.Slice(start[0] * 6 + 3, carried * 6 - 3), ldh: 6, batch: carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, dh.Slice(start[0] * 6 + 3, carried * 6 - 3), lda: 6, _rnnPacked, dh.Slice(start[1] * 6 + 3, carried * 6 - 3), ldc: 6, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[0] + carried) * 6 + 3, (n - carried) * 6 - 3), lddh: 6, h.Slice((start[0] + carried) * 6 + 3, (n - carried) * 6 - 3), ldh: 6, batch: n - carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = 1: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[1]; carried = lanes[2];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[1] * 6 + 3, carried * 6 - 3), lddh: 6, h.Slice(start[1] * 6 + 3, carried * 6 - 3), ldh: 6, batch: carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, dh.Slice(start[1] * 6 + 3, carried * 6 - 3), lda: 6, _rnnPacked, dh.Slice(start[2] * 6 + 3, carried * 6 - 3), ldc: 6, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[1] + carried) * 6 + 3, (n - carried) * 6 - 3), lddh: 6, h.Slice((start[1] + carried) * 6 + 3, (n - carried) * 6 - 3), ldh: 6, batch: n - carried, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = 2: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[2];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[2] * 6 + 3, n * 6 - 3), lddh: 6, h.Slice(start[2] * 6 + 3, n * 6 - 3), ldh: 6, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            }
        }
