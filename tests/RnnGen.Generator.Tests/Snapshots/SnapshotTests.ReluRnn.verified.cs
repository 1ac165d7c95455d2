
        /// <summary>Layer 0, steps 0 to 2.</summary>
        private void RnnForwardL0Steps0To2()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t, [Steps, Batch, 3]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 3); // h before the first step
            // h_t = relu(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // t = 0
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, h0, lda: 3, wHh, ldb: 3, h.Slice(0, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(0, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
            // t = 1
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, h.Slice(0, 3), lda: 3, wHh, ldb: 3, h.Slice(3, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
            // t = 2
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, h.Slice(3, 3), lda: 3, wHh, ldb: 3, h.Slice(2 * 3, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(2 * 3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
        }

        /// <summary>Backpropagation through time: the head, then every layer from the top down.</summary>
        private void RnnBackwardCore(global::System.ReadOnlySpan<float> targets)
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var dz = s.Slice(RnnLayout.Dz, 1); // dL/dz, [OutputSteps, Batch, 1]
            // Rows before LossStartStep do not count: their dz is zero.
            int first = _rnnLossStartStep * Batch;
            dz.Slice(0, first * OutputSize).Clear();
            // Squared error: dz = 2(y − t) / Batch.
            global::RnnGen.Losses.SquaredError.Backward(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), count: (1 - first) * OutputSize, RnnInverseBatch);
            // dW_head += dzᵀ·h and db_head += Σ dz, over all output rows at once.
            global::RnnGen.Kernels.Gemm.TN(m: 1, n: 3, k: 1, dz, lda: 1, a.Slice(RnnLayout.HiddenL0 + 2 * 3, 3), ldb: 3, g.Slice(RnnLayout.HeadWeight, 3), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(dz, rows: 1, n: 1, ldy: 1, g.Slice(RnnLayout.HeadBias, 1));
            // dh of the top layer: dz·W_head at the step the head read, zero elsewhere (no output there).
            s.Slice(RnnLayout.DhL0, 9).Clear();
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 3, k: 1, dz, lda: 1, p.Slice(RnnLayout.HeadWeight, 3), ldb: 3, s.Slice(RnnLayout.DhL0 + 6, 3), ldc: 3, accumulate: false);
            RnnBackwardL0();
            _rnnPhase = 2;
        }

        /// <summary>Backward through layer 0, steps 2 down to 0.</summary>
        private void RnnBackwardL0Steps2To0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t, [Steps, Batch, 3]
            var dh = s.Slice(RnnLayout.DhL0, 9); // dL/dh_t, [Steps, Batch, 3]
            // dpre_t = dh_t⊙[h_t > 0]   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = 2
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(2 * 3, 3), lddh: 3, h.Slice(2 * 3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 3, k: 3, dh.Slice(2 * 3, 3), lda: 3, wHh, ldb: 3, dh.Slice(3, 3), ldc: 3, accumulate: true);
            // t = 1
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(3, 3), lddh: 3, h.Slice(3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 3, k: 3, dh.Slice(3, 3), lda: 3, wHh, ldb: 3, dh.Slice(0, 3), ldc: 3, accumulate: true);
            // t = 0
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(0, 3), lddh: 3, h.Slice(0, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
        }
