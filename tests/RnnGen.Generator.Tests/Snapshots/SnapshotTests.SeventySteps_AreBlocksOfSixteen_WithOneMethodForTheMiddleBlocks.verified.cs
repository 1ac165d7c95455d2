
        /// <summary>Layer 0: RNN (tanh), 2 units, bidirectional; reads [Steps, Batch, 1], writes h [Steps, Batch, 4].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Input projection for all 70 steps at once (Steps·Batch = 70 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 2), p.Slice(RnnLayout.BiasHhL0, 2), s.Slice(RnnLayout.BiasSumL0, 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, 280), rows: 70, n: 2, ldc: 4, s.Slice(RnnLayout.BiasSumL0, 2));
            global::RnnGen.Kernels.Gemm.NT(m: 70, n: 2, k: 1, a.Slice(RnnLayout.InputX, 70), lda: 1, p.Slice(RnnLayout.WeightIhL0, 2), ldb: 1, a.Slice(RnnLayout.HiddenL0, 280), ldc: 4, accumulate: true);
            // The recurrence, unrolled: 16 steps per method.
            RnnForwardL0Steps0To15();
            for (int first = 16; first <= 48; first += 16) RnnForwardL0Block(first);
            RnnForwardL0Steps64To69();
            // Input projection (reverse) for all 70 steps at once (Steps·Batch = 70 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0Reverse, 2), p.Slice(RnnLayout.BiasHhL0Reverse, 2), s.Slice(RnnLayout.BiasSumL0Reverse, 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0 + 2, 278), rows: 70, n: 2, ldc: 4, s.Slice(RnnLayout.BiasSumL0Reverse, 2));
            global::RnnGen.Kernels.Gemm.NT(m: 70, n: 2, k: 1, a.Slice(RnnLayout.InputX, 70), lda: 1, p.Slice(RnnLayout.WeightIhL0Reverse, 2), ldb: 1, a.Slice(RnnLayout.HiddenL0 + 2, 278), ldc: 4, accumulate: true);
            // The recurrence (reverse), unrolled: 16 steps per method.
            RnnForwardL0ReverseSteps69To54();
            for (int first = 53; first >= 21; first -= 16) RnnForwardL0ReverseBlock(first);
            RnnForwardL0ReverseSteps5To0();
        }

        /// <summary>Layer 0, steps first to first + 15: every middle block of 16 steps, called with its first step.</summary>
        private void RnnForwardL0Block(int first)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 4);
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t, [Steps, Batch, 4]
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // t = first
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 1) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice(first * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(first * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 1
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice(first * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 1) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 1) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 2
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 1) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 2) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 2) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 3
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 2) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 3) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 3) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 4
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 3) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 4) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 4) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 5
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 4) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 5) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 5) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 6
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 5) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 6) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 6) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 7
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 6) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 7) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 7) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 8
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 7) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 8) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 8) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 9
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 8) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 9) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 9) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 10
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 9) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 10) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 10) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 11
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 10) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 11) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 11) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 12
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 11) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 12) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 12) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 13
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 12) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 13) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 13) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 14
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 13) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 14) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 14) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 15
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 14) * 4, 2), lda: 4, wHh, ldb: 2, h.Slice((first + 15) * 4, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first + 15) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
        }

        /// <summary>Layer 0 (reverse), steps first to first - 15: every middle block of 16 steps, called with its first step.</summary>
        private void RnnForwardL0ReverseBlock(int first)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0Reverse, 4);
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t, [Steps, Batch, 4]
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // t = first
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first + 1) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice(first * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(first * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 1
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice(first * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 1) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 1) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 2
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 1) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 2) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 2) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 3
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 2) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 3) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 3) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 4
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 3) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 4) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 4) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 5
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 4) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 5) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 5) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 6
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 5) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 6) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 6) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 7
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 6) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 7) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 7) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 8
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 7) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 8) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 8) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 9
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 8) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 9) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 9) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 10
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 9) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 10) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 10) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 11
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 10) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 11) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 11) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 12
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 11) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 12) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 12) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 13
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 12) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 13) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 13) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 14
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 13) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 14) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 14) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first - 15
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, h.Slice((first - 14) * 4 + 2, 2), lda: 4, wHh, ldb: 2, h.Slice((first - 15) * 4 + 2, 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice((first - 15) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (tanh), 2 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            RnnBackwardL0Steps69To64();
            for (int first = 48; first >= 16; first -= 16) RnnBackwardL0Block(first);
            RnnBackwardL0Steps15To0();
            // Steps in reverse (reverse): each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            RnnBackwardL0ReverseSteps0To5();
            for (int first = 21; first <= 53; first += 16) RnnBackwardL0ReverseBlock(first);
            RnnBackwardL0ReverseSteps54To69();
            // Weight gradients, summed over all 70 steps by one product each (Steps·Batch = 70 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 1, k: 70, s.Slice(RnnLayout.DhL0, 278), lda: 4, a.Slice(RnnLayout.InputX, 70), ldb: 1, g.Slice(RnnLayout.WeightIhL0, 2), ldc: 1, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 278), rows: 70, n: 2, ldy: 4, g.Slice(RnnLayout.BiasIhL0, 2));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 1, s.Slice(RnnLayout.DhL0, 2), lda: 4, _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 2), ldb: 2, g.Slice(RnnLayout.WeightHhL0, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 69, s.Slice(RnnLayout.DhL0 + 4, 274), lda: 4, a.Slice(RnnLayout.HiddenL0, 274), ldb: 4, g.Slice(RnnLayout.WeightHhL0, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, 278), rows: 70, n: 2, ldy: 4, g.Slice(RnnLayout.BiasHhL0, 2));
            // Weight gradients (reverse), summed over all 70 steps by one product each (Steps·Batch = 70 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 1, k: 70, s.Slice(RnnLayout.DhL0 + 2, 278), lda: 4, a.Slice(RnnLayout.InputX, 70), ldb: 1, g.Slice(RnnLayout.WeightIhL0Reverse, 2), ldc: 1, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 2, 278), rows: 70, n: 2, ldy: 4, g.Slice(RnnLayout.BiasIhL0Reverse, 2));
            //   dW_hh, shifted by one step: the gates of the first step (reverse) pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 1, s.Slice(RnnLayout.DhL0 + 69 * 4 + 2, 2), lda: 4, _rnnInitialState.Span.Slice(RnnLayout.StateHL0Reverse, 2), ldb: 2, g.Slice(RnnLayout.WeightHhL0Reverse, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 69, s.Slice(RnnLayout.DhL0 + 2, 274), lda: 4, a.Slice(RnnLayout.HiddenL0 + 4 + 2, 274), ldb: 4, g.Slice(RnnLayout.WeightHhL0Reverse, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 2, 278), rows: 70, n: 2, ldy: 4, g.Slice(RnnLayout.BiasHhL0Reverse, 2));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: 70, n: 1, k: 2, s.Slice(RnnLayout.DhL0, 278), lda: 4, p.Slice(RnnLayout.WeightIhL0, 2), ldb: 1, s.Slice(RnnLayout.Dx, 70), ldc: 1, accumulate: false);
                global::RnnGen.Kernels.Gemm.NN(m: 70, n: 1, k: 2, s.Slice(RnnLayout.DhL0 + 2, 278), lda: 4, p.Slice(RnnLayout.WeightIhL0Reverse, 2), ldb: 1, s.Slice(RnnLayout.Dx, 70), ldc: 1, accumulate: true);
            }
        }

        /// <summary>Backward through layer 0, steps first + 15 to first: every middle block of 16 steps, called with its first step.</summary>
        private void RnnBackwardL0Block(int first)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 4);
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t, [Steps, Batch, 4]
            var dh = s.Slice(RnnLayout.DhL0, 280); // dL/dh_t, [Steps, Batch, 4]
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = first + 15
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 15) * 4, 2), lddh: 4, h.Slice((first + 15) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 15) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 14) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 14
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 14) * 4, 2), lddh: 4, h.Slice((first + 14) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 14) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 13) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 13
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 13) * 4, 2), lddh: 4, h.Slice((first + 13) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 13) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 12) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 12
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 12) * 4, 2), lddh: 4, h.Slice((first + 12) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 12) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 11) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 11
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 11) * 4, 2), lddh: 4, h.Slice((first + 11) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 11) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 10) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 10
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 10) * 4, 2), lddh: 4, h.Slice((first + 10) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 10) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 9) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 9
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 9) * 4, 2), lddh: 4, h.Slice((first + 9) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 9) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 8) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 8
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 8) * 4, 2), lddh: 4, h.Slice((first + 8) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 8) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 7) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 7
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 7) * 4, 2), lddh: 4, h.Slice((first + 7) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 7) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 6) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 6
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 6) * 4, 2), lddh: 4, h.Slice((first + 6) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 6) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 5) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 5
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 5) * 4, 2), lddh: 4, h.Slice((first + 5) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 5) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 4) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 4
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 4) * 4, 2), lddh: 4, h.Slice((first + 4) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 4) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 3) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 3
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 3) * 4, 2), lddh: 4, h.Slice((first + 3) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 3) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 2) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 2
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 2) * 4, 2), lddh: 4, h.Slice((first + 2) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 2) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 1) * 4, 2), ldc: 4, accumulate: true);
            // t = first + 1
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first + 1) * 4, 2), lddh: 4, h.Slice((first + 1) * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first + 1) * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice(first * 4, 2), ldc: 4, accumulate: true);
            // t = first
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(first * 4, 2), lddh: 4, h.Slice(first * 4, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice(first * 4, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 1) * 4, 2), ldc: 4, accumulate: true);
        }

        /// <summary>Backward through layer 0 (reverse), steps first - 15 to first: every middle block of 16 steps, called with its first step.</summary>
        private void RnnBackwardL0ReverseBlock(int first)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0Reverse, 4);
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t, [Steps, Batch, 4]
            var dh = s.Slice(RnnLayout.DhL0, 280); // dL/dh_t, [Steps, Batch, 4]
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = first - 15
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 15) * 4 + 2, 2), lddh: 4, h.Slice((first - 15) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 15) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 14) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 14
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 14) * 4 + 2, 2), lddh: 4, h.Slice((first - 14) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 14) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 13) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 13
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 13) * 4 + 2, 2), lddh: 4, h.Slice((first - 13) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 13) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 12) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 12
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 12) * 4 + 2, 2), lddh: 4, h.Slice((first - 12) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 12) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 11) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 11
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 11) * 4 + 2, 2), lddh: 4, h.Slice((first - 11) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 11) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 10) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 10
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 10) * 4 + 2, 2), lddh: 4, h.Slice((first - 10) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 10) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 9) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 9
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 9) * 4 + 2, 2), lddh: 4, h.Slice((first - 9) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 9) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 8) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 8
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 8) * 4 + 2, 2), lddh: 4, h.Slice((first - 8) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 8) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 7) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 7
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 7) * 4 + 2, 2), lddh: 4, h.Slice((first - 7) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 7) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 6) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 6
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 6) * 4 + 2, 2), lddh: 4, h.Slice((first - 6) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 6) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 5) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 5
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 5) * 4 + 2, 2), lddh: 4, h.Slice((first - 5) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 5) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 4) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 4
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 4) * 4 + 2, 2), lddh: 4, h.Slice((first - 4) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 4) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 3) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 3
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 3) * 4 + 2, 2), lddh: 4, h.Slice((first - 3) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 3) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 2) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 2
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 2) * 4 + 2, 2), lddh: 4, h.Slice((first - 2) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 2) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first - 1) * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first - 1
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice((first - 1) * 4 + 2, 2), lddh: 4, h.Slice((first - 1) * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice((first - 1) * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice(first * 4 + 2, 2), ldc: 4, accumulate: true);
            // t = first
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(first * 4 + 2, 2), lddh: 4, h.Slice(first * 4 + 2, 2), ldh: 4, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 2, k: 2, dh.Slice(first * 4 + 2, 2), lda: 4, wHh, ldb: 2, dh.Slice((first + 1) * 4 + 2, 2), ldc: 4, accumulate: true);
        }
