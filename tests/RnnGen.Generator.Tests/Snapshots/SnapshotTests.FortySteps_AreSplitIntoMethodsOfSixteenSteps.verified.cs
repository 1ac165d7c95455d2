
        /// <summary>Layer 0: RNN (tanh), 2 units; reads [Steps, Batch, 1], writes h [Steps, Batch, 2].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Input projection for all 40 steps at once (Steps·Batch = 40 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 2), p.Slice(RnnLayout.BiasHhL0, 2), s.Slice(RnnLayout.BiasSumL0, 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, 80), rows: 40, n: 2, ldc: 2, s.Slice(RnnLayout.BiasSumL0, 2));
            global::RnnGen.Kernels.Gemm.NT(m: 40, n: 2, k: 1, a.Slice(RnnLayout.InputX, 40), lda: 1, p.Slice(RnnLayout.WeightIhL0, 2), ldb: 1, a.Slice(RnnLayout.HiddenL0, 80), ldc: 2, accumulate: true);
            // The recurrence, unrolled: 16 steps per method.
            RnnForwardL0Steps0To15();
            RnnForwardL0Steps16To31();
            RnnForwardL0Steps32To39();
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (tanh), 2 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            RnnBackwardL0Steps39To32();
            RnnBackwardL0Steps31To16();
            RnnBackwardL0Steps15To0();
            // Weight gradients, summed over all 40 steps by one product each (Steps·Batch = 40 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 1, k: 40, s.Slice(RnnLayout.DhL0, 80), lda: 2, a.Slice(RnnLayout.InputX, 40), ldb: 1, g.Slice(RnnLayout.WeightIhL0, 2), ldc: 1, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 80), rows: 40, n: 2, ldy: 2, g.Slice(RnnLayout.BiasIhL0, 2));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 1, s.Slice(RnnLayout.DhL0, 2), lda: 2, _rnnInitialState.Span.Slice(RnnLayout.H0L0, 2), ldb: 2, g.Slice(RnnLayout.WeightHhL0, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 39, s.Slice(RnnLayout.DhL0 + 2, 78), lda: 2, a.Slice(RnnLayout.HiddenL0, 78), ldb: 2, g.Slice(RnnLayout.WeightHhL0, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 80), rows: 40, n: 2, ldy: 2, g.Slice(RnnLayout.BiasHhL0, 2));
            // dL/dx_t = Σ_dir dgates_t·W_ih: the dh of x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: 40, n: 1, k: 2, s.Slice(RnnLayout.DhL0, 80), lda: 2, p.Slice(RnnLayout.WeightIhL0, 2), ldb: 1, s.Slice(RnnLayout.Dx, 40), ldc: 1, accumulate: false);
            }
        }
