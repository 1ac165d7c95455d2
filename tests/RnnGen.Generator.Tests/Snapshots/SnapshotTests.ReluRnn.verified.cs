
        /// <summary>Layer 0, steps 0 to 2.</summary>
        private void RnnForwardL0Steps0To2()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t, [Σ lengths (packed), 3]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 3); // h before the first step (lanes sorted)
            // h_t = relu(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n;
            // t = 0
            n = lanes[0];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 3, k: 3, h0.Slice(0, n * 3), lda: 3, wHh, h.Slice(start[0] * 3, n * 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[0] * 3, n * 3), ldh: 3, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Relu);
            // t = 1
            n = lanes[1];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 3, k: 3, h.Slice(start[0] * 3, n * 3), lda: 3, wHh, h.Slice(start[1] * 3, n * 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[1] * 3, n * 3), ldh: 3, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Relu);
            // t = 2
            n = lanes[2];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 3, k: 3, h.Slice(start[1] * 3, n * 3), lda: 3, wHh, h.Slice(start[2] * 3, n * 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[2] * 3, n * 3), ldh: 3, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Relu);
        }

        /// <summary>Backpropagation through time: the head, then every layer from the top down.</summary>
        private void RnnBackwardCore(global::System.ReadOnlySpan<float> targets)
        {
            if (!_rnnLossOptions.IsDefault)
            {
                RnnOptionsLoss(targets, backward: true);
                return;
            }
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var dz = s.Slice(RnnLayout.Dz, 1); // dL/dz in packed rows, [≤ OutputSteps·Batch, 1]
            int first = 0, rows = _rnnLanes.Used; // one output row per lane in use
            float inverse = 1 / (float)_rnnLanes.Used;
            var output = a.Slice(RnnLayout.OutputValues, rows * OutputSize);
            targets = RnnPackTargets(targets, rows);
            // Rows before LossStartStep do not count: their dz is zero.
            dz.Slice(0, first * OutputSize).Clear();
            // Squared error: dz = 2(y − t) / lanes in use.
            global::RnnGen.Losses.SquaredError.Backward(output.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), count: (rows - first) * OutputSize, inverse);
            RnnBackwardFromDz(rows);
        }

        /// <summary>Backward through layer 0, steps 2 down to 0.</summary>
        private void RnnBackwardL0Steps2To0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t in packed rows, [Σ lengths, 3]
            var dh = s.Slice(RnnLayout.DhL0, 9); // dL/dh_t in packed rows, [Σ lengths, 3]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 3); // h before the first step (lanes sorted)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n;
            // dpre_t = dh_t⊙[h_t > 0]   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = 2
            n = lanes[2];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[2] * 3, n * 3), lddh: 3, h.Slice(start[2] * 3, n * 3), ldh: 3, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Relu);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 3, k: 3, dh.Slice(start[2] * 3, n * 3), lda: 3, wHh, ldb: 3, dh.Slice(start[1] * 3, n * 3), ldc: 3, accumulate: true);
            }
            // t = 1
            n = lanes[1];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[1] * 3, n * 3), lddh: 3, h.Slice(start[1] * 3, n * 3), ldh: 3, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Relu);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 3, k: 3, dh.Slice(start[1] * 3, n * 3), lda: 3, wHh, ldb: 3, dh.Slice(start[0] * 3, n * 3), ldc: 3, accumulate: true);
            }
            // t = 0
            n = lanes[0];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[0] * 3, n * 3), lddh: 3, h.Slice(start[0] * 3, n * 3), ldh: 3, batch: n, hidden: 3, global::RnnGen.Nonlinearity.Relu);
            }
        }
