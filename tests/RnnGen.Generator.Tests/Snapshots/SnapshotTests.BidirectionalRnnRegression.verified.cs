
        /// <summary>Layer 0: RNN (tanh), 3 units, bidirectional; reads [Steps, Batch, 2], writes h [Steps, Batch, 6].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Input projection for all 3 steps at once (Steps·Batch = 6 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 3), p.Slice(RnnLayout.BiasHhL0, 3), s.Slice(RnnLayout.BiasSumL0, 3));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, 36), rows: 6, n: 3, ldc: 6, s.Slice(RnnLayout.BiasSumL0, 3));
            global::RnnGen.Kernels.Gemm.NT(m: 6, n: 3, k: 2, a.Slice(RnnLayout.InputX, 12), lda: 2, p.Slice(RnnLayout.WeightIhL0, 6), ldb: 2, a.Slice(RnnLayout.HiddenL0, 36), ldc: 6, accumulate: true);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL0, 9), n: 3, k: 3, ldb: 3);
            RnnForwardL0Steps0To2();
            // Input projection (reverse) for all 3 steps at once (Steps·Batch = 6 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0Reverse, 3), p.Slice(RnnLayout.BiasHhL0Reverse, 3), s.Slice(RnnLayout.BiasSumL0Reverse, 3));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0 + 3, 33), rows: 6, n: 3, ldc: 6, s.Slice(RnnLayout.BiasSumL0Reverse, 3));
            global::RnnGen.Kernels.Gemm.NT(m: 6, n: 3, k: 2, a.Slice(RnnLayout.InputX, 12), lda: 2, p.Slice(RnnLayout.WeightIhL0Reverse, 6), ldb: 2, a.Slice(RnnLayout.HiddenL0 + 3, 33), ldc: 6, accumulate: true);
            // The recurrence (reverse), unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL0Reverse, 9), n: 3, k: 3, ldb: 3);
            RnnForwardL0ReverseSteps2To0();
        }

        /// <summary>Layer 0 (reverse), steps 2 to 0.</summary>
        private void RnnForwardL0ReverseSteps2To0()
        {
            var a = _rnnActivations.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 36); // h_t, [Steps, Batch, 6]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0Reverse, 6); // h before the first step
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // t = 2
            global::RnnGen.Kernels.Gemm.NT(m: 2, h0, lda: 3, _rnnPacked, h.Slice(2 * 12 + 3, 9), ldc: 6, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(2 * 12 + 3, 9), ldh: 6, batch: 2, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            // t = 1
            global::RnnGen.Kernels.Gemm.NT(m: 2, h.Slice(2 * 12 + 3, 9), lda: 6, _rnnPacked, h.Slice(12 + 3, 9), ldc: 6, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(12 + 3, 9), ldh: 6, batch: 2, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            // t = 0
            global::RnnGen.Kernels.Gemm.NT(m: 2, h.Slice(12 + 3, 9), lda: 6, _rnnPacked, h.Slice(3, 9), ldc: 6, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(3, 9), ldh: 6, batch: 2, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (tanh), 3 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.WeightHhL0, 9), k: 3, n: 3, ldb: 3);
            RnnBackwardL0Steps2To0();
            // Steps in reverse (reverse): each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.WeightHhL0Reverse, 9), k: 3, n: 3, ldb: 3);
            RnnBackwardL0ReverseSteps0To2();
            // Weight gradients, summed over all 3 steps by one product each (Steps·Batch = 6 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 2, k: 6, s.Slice(RnnLayout.DhL0, 33), lda: 6, a.Slice(RnnLayout.InputX, 12), ldb: 2, g.Slice(RnnLayout.WeightIhL0, 6), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 33), rows: 6, n: 3, ldy: 6, g.Slice(RnnLayout.BiasIhL0, 3));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 2, s.Slice(RnnLayout.DhL0, 9), lda: 6, _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 6), ldb: 3, g.Slice(RnnLayout.WeightHhL0, 9), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 4, s.Slice(RnnLayout.DhL0 + 12, 21), lda: 6, a.Slice(RnnLayout.HiddenL0, 21), ldb: 6, g.Slice(RnnLayout.WeightHhL0, 9), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 33), rows: 6, n: 3, ldy: 6, g.Slice(RnnLayout.BiasHhL0, 3));
            // Weight gradients (reverse), summed over all 3 steps by one product each (Steps·Batch = 6 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 2, k: 6, s.Slice(RnnLayout.DhL0 + 3, 33), lda: 6, a.Slice(RnnLayout.InputX, 12), ldb: 2, g.Slice(RnnLayout.WeightIhL0Reverse, 6), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 3, 33), rows: 6, n: 3, ldy: 6, g.Slice(RnnLayout.BiasIhL0Reverse, 3));
            //   dW_hh, shifted by one step: the gates of the first step (reverse) pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 2, s.Slice(RnnLayout.DhL0 + 2 * 12 + 3, 9), lda: 6, _rnnInitialState.Span.Slice(RnnLayout.StateHL0Reverse, 6), ldb: 3, g.Slice(RnnLayout.WeightHhL0Reverse, 9), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 4, s.Slice(RnnLayout.DhL0 + 3, 21), lda: 6, a.Slice(RnnLayout.HiddenL0 + 12 + 3, 21), ldb: 6, g.Slice(RnnLayout.WeightHhL0Reverse, 9), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 3, 33), rows: 6, n: 3, ldy: 6, g.Slice(RnnLayout.BiasHhL0Reverse, 3));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: 6, n: 2, k: 3, s.Slice(RnnLayout.DhL0, 33), lda: 6, p.Slice(RnnLayout.WeightIhL0, 6), ldb: 2, s.Slice(RnnLayout.Dx, 12), ldc: 2, accumulate: false);
                global::RnnGen.Kernels.Gemm.NN(m: 6, n: 2, k: 3, s.Slice(RnnLayout.DhL0 + 3, 33), lda: 6, p.Slice(RnnLayout.WeightIhL0Reverse, 6), ldb: 2, s.Slice(RnnLayout.Dx, 12), ldc: 2, accumulate: true);
            }
        }

        /// <summary>Backward through layer 0 (reverse), steps 0 down to 2.</summary>
        private void RnnBackwardL0ReverseSteps0To2()
        {
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 36); // h_t, [Steps, Batch, 6]
            var dh = s.Slice(RnnLayout.DhL0, 36); // dL/dh_t, [Steps, Batch, 6]
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = 0
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(3, 9), lddh: 6, h.Slice(3, 9), ldh: 6, batch: 2, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(3, 9), lda: 6, _rnnPacked, dh.Slice(12 + 3, 9), ldc: 6, accumulate: true);
            // t = 1
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(12 + 3, 9), lddh: 6, h.Slice(12 + 3, 9), ldh: 6, batch: 2, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(12 + 3, 9), lda: 6, _rnnPacked, dh.Slice(2 * 12 + 3, 9), ldc: 6, accumulate: true);
            // t = 2
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(2 * 12 + 3, 9), lddh: 6, h.Slice(2 * 12 + 3, 9), ldh: 6, batch: 2, hidden: 3, global::RnnGen.Nonlinearity.Tanh);
        }
