
        /// <summary>Layer 0: RNN (tanh), 4 units; reads [Steps, Batch, 3], writes h [Steps, Batch, 4].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Input projection for all 3 steps at once (Steps·Batch = 6 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 4), p.Slice(RnnLayout.BiasHhL0, 4), s.Slice(RnnLayout.BiasSumL0, 4));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, 24), rows: 6, n: 4, ldc: 4, s.Slice(RnnLayout.BiasSumL0, 4));
            global::RnnGen.Kernels.Gemm.NT(m: 6, n: 4, k: 3, a.Slice(RnnLayout.InputX, 18), lda: 3, p.Slice(RnnLayout.WeightIhL0, 12), ldb: 3, a.Slice(RnnLayout.HiddenL0, 24), ldc: 4, accumulate: true);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL0, 16), n: 4, k: 4, ldb: 4);
            RnnForwardL0Steps0To2();
        }

        /// <summary>Layer 0, steps 0 to 2.</summary>
        private void RnnForwardL0Steps0To2()
        {
            var a = _rnnActivations.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 24); // h_t, [Steps, Batch, 4]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 8); // h before the first step
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // t = 0
            global::RnnGen.Kernels.Gemm.NT(m: 2, h0, lda: 4, _rnnPacked, h.Slice(0, 8), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(0, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            // t = 1
            global::RnnGen.Kernels.Gemm.NT(m: 2, h.Slice(0, 8), lda: 4, _rnnPacked, h.Slice(8, 8), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(8, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            // t = 2
            global::RnnGen.Kernels.Gemm.NT(m: 2, h.Slice(8, 8), lda: 4, _rnnPacked, h.Slice(2 * 8, 8), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(2 * 8, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
        }

        private float RnnLossCore(global::System.ReadOnlySpan<float> targets)
        {
            var a = _rnnActivations.Span;
            // Rows from LossStartStep on count; the loss sums over them and averages over the batch.
            int first = _rnnLossStartStep * Batch;
            return global::RnnGen.Losses.SquaredError.Loss(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), count: (6 - first) * OutputSize, RnnInverseBatch);
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (tanh), 4 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.WeightHhL0, 16), k: 4, n: 4, ldb: 4);
            RnnBackwardL0Steps2To0();
            // Weight gradients, summed over all 3 steps by one product each (Steps·Batch = 6 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 4, n: 3, k: 6, s.Slice(RnnLayout.DhL0, 24), lda: 4, a.Slice(RnnLayout.InputX, 18), ldb: 3, g.Slice(RnnLayout.WeightIhL0, 12), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 24), rows: 6, n: 4, ldy: 4, g.Slice(RnnLayout.BiasIhL0, 4));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 4, n: 4, k: 2, s.Slice(RnnLayout.DhL0, 8), lda: 4, _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 8), ldb: 4, g.Slice(RnnLayout.WeightHhL0, 16), ldc: 4, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 4, n: 4, k: 4, s.Slice(RnnLayout.DhL0 + 8, 16), lda: 4, a.Slice(RnnLayout.HiddenL0, 16), ldb: 4, g.Slice(RnnLayout.WeightHhL0, 16), ldc: 4, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 24), rows: 6, n: 4, ldy: 4, g.Slice(RnnLayout.BiasHhL0, 4));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: 6, n: 3, k: 4, s.Slice(RnnLayout.DhL0, 24), lda: 4, p.Slice(RnnLayout.WeightIhL0, 12), ldb: 3, s.Slice(RnnLayout.Dx, 18), ldc: 3, accumulate: false);
            }
        }

        /// <summary>Backward through layer 0, steps 2 down to 0.</summary>
        private void RnnBackwardL0Steps2To0()
        {
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var h = a.Slice(RnnLayout.HiddenL0, 24); // h_t, [Steps, Batch, 4]
            var dh = s.Slice(RnnLayout.DhL0, 24); // dL/dh_t, [Steps, Batch, 4]
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = 2
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(2 * 8, 8), lddh: 4, h.Slice(2 * 8, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(2 * 8, 8), lda: 4, _rnnPacked, dh.Slice(8, 8), ldc: 4, accumulate: true);
            // t = 1
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(8, 8), lddh: 4, h.Slice(8, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(8, 8), lda: 4, _rnnPacked, dh.Slice(0, 8), ldc: 4, accumulate: true);
            // t = 0
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(0, 8), lddh: 4, h.Slice(0, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
        }
