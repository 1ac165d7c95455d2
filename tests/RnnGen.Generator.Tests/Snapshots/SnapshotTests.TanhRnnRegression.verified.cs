
        /// <summary>Layer 0: RNN (tanh), 4 units; reads packed rows [Σ lengths, 3], writes h [Σ lengths, 4].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Input projection for all steps at once (one row per real step of each lane):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 4), p.Slice(RnnLayout.BiasHhL0, 4), s.Slice(RnnLayout.BiasSumL0, 4));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, 24), rows: rows, n: 4, ldc: 4, s.Slice(RnnLayout.BiasSumL0, 4));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 4, k: 3, a.Slice(RnnLayout.InputX, 18), lda: 3, p.Slice(RnnLayout.WeightIhL0, 12), ldb: 3, a.Slice(RnnLayout.HiddenL0, 24), ldc: 4, accumulate: true);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL0, 16), n: 4, k: 4, ldb: 4);
            RnnForwardL0Steps0To2();
        }

        /// <summary>Layer 0, steps 0 to 2.</summary>
        private void RnnForwardL0Steps0To2()
        {
            var a = _rnnActivations.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 24); // h_t, [Σ lengths (packed), 4]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 8); // h before the first step (lanes sorted)
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n;
            // t = 0
            n = lanes[0];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            global::RnnGen.Kernels.Gemm.NT(m: n, h0.Slice(0, n * 4), lda: 4, _rnnPacked, h.Slice(start[0] * 4, n * 4), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[0] * 4, n * 4), ldh: 4, batch: n, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            // t = 1
            n = lanes[1];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            global::RnnGen.Kernels.Gemm.NT(m: n, h.Slice(start[0] * 4, n * 4), lda: 4, _rnnPacked, h.Slice(start[1] * 4, n * 4), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[1] * 4, n * 4), ldh: 4, batch: n, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            // t = 2
            n = lanes[2];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            global::RnnGen.Kernels.Gemm.NT(m: n, h.Slice(start[1] * 4, n * 4), lda: 4, _rnnPacked, h.Slice(start[2] * 4, n * 4), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[2] * 4, n * 4), ldh: 4, batch: n, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
        }

        private float RnnLossCore(global::System.ReadOnlySpan<float> targets)
        {
            if (!_rnnLossOptions.IsDefault) return RnnOptionsLoss(targets, backward: false);
            var a = _rnnActivations.Span;
            // Real rows from LossStartStep on count; the loss sums over them and averages over the lanes in use.
            int first = _rnnLanes.Start[_rnnLossStartStep], rows = _rnnLanes.TotalRows;
            float inverse = 1 / (float)_rnnLanes.Used;
            var output = a.Slice(RnnLayout.OutputValues, rows * OutputSize);
            targets = RnnPackTargets(targets, rows);
            // Σ_j (y_j − t_j)² over the rows.
            return global::RnnGen.Losses.SquaredError.Loss(output.Slice(first * OutputSize), targets.Slice(first * OutputSize), count: (rows - first) * OutputSize, inverse);
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (tanh), 4 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.WeightHhL0, 16), k: 4, n: 4, ldb: 4);
            RnnBackwardL0Steps2To0();
            // Weight gradients, summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 4, n: 3, k: rows, s.Slice(RnnLayout.DhL0, rows * 4), lda: 4, a.Slice(RnnLayout.InputX, 18), ldb: 3, g.Slice(RnnLayout.WeightIhL0, 12), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, rows * 4), rows: rows, n: 4, ldy: 4, g.Slice(RnnLayout.BiasIhL0, 4));
            //   dW_hh: the gates of the first step pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[0]; // rows of step 0, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 4, n: 4, k: firstRows, s.Slice(RnnLayout.DhL0, firstRows * 4), lda: 4, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 8), ldb: 4, g.Slice(RnnLayout.WeightHhL0, 16), ldc: 4, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.HiddenL0, 24), ld: 4, column: 0, width: 4, reverse: false, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 8), s.Slice(RnnLayout.PreviousRows, 24));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 4, n: 4, k: rows - firstRows, s.Slice(RnnLayout.DhL0 + firstRows * 4, (rows - firstRows) * 4), lda: 4, s.Slice(RnnLayout.PreviousRows + firstRows * 4, (rows - firstRows) * 4), ldb: 4, g.Slice(RnnLayout.WeightHhL0, 16), ldc: 4, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, rows * 4), rows: rows, n: 4, ldy: 4, g.Slice(RnnLayout.BiasHhL0, 4));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: rows, n: 3, k: 4, s.Slice(RnnLayout.DhL0, rows * 4), lda: 4, p.Slice(RnnLayout.WeightIhL0, 12), ldb: 3, s.Slice(RnnLayout.Dx, rows * 3), ldc: 3, accumulate: false);
                _rnnLanes.UnpackRows(s.Slice(RnnLayout.Dx, rows * 3), width: InputSize, _rnnInputGradient.Span);
            }
        }

        /// <summary>Backward through layer 0, steps 2 down to 0.</summary>
        private void RnnBackwardL0Steps2To0()
        {
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 24); // h_t in packed rows, [Σ lengths, 4]
            var dh = s.Slice(RnnLayout.DhL0, 24); // dL/dh_t in packed rows, [Σ lengths, 4]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 8); // h before the first step (lanes sorted)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n;
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = 2
            n = lanes[2];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[2] * 4, n * 4), lddh: 4, h.Slice(start[2] * 4, n * 4), ldh: 4, batch: n, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, dh.Slice(start[2] * 4, n * 4), lda: 4, _rnnPacked, dh.Slice(start[1] * 4, n * 4), ldc: 4, accumulate: true);
            }
            // t = 1
            n = lanes[1];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[1] * 4, n * 4), lddh: 4, h.Slice(start[1] * 4, n * 4), ldh: 4, batch: n, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, dh.Slice(start[1] * 4, n * 4), lda: 4, _rnnPacked, dh.Slice(start[0] * 4, n * 4), ldc: 4, accumulate: true);
            }
            // t = 0
            n = lanes[0];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[0] * 4, n * 4), lddh: 4, h.Slice(start[0] * 4, n * 4), ldh: 4, batch: n, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            }
        }
