
        /// <summary>Layer 0: RNN (tanh), 2 units, bidirectional; reads packed rows [Σ lengths, 1], writes h [Σ lengths, 4].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Input projection for all steps at once (one row per real step of each lane):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 2), p.Slice(RnnLayout.BiasHhL0, 2), s.Slice(RnnLayout.BiasSumL0, 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, 280), rows: rows, n: 2, ldc: 4, s.Slice(RnnLayout.BiasSumL0, 2));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 2, k: 1, a.Slice(RnnLayout.InputX, 70), lda: 1, p.Slice(RnnLayout.WeightIhL0, 2), ldb: 1, a.Slice(RnnLayout.HiddenL0, 280), ldc: 4, accumulate: true);
            // The recurrence, unrolled: 16 steps per method.
            RnnForwardL0Steps0To15();
            for (int first = 16; first <= 48; first += 16) RnnForwardL0Block(first);
            RnnForwardL0Steps64To69();
            // Input projection (reverse) for all steps at once (one row per real step of each lane):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0Reverse, 2), p.Slice(RnnLayout.BiasHhL0Reverse, 2), s.Slice(RnnLayout.BiasSumL0Reverse, 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0 + 2, 278), rows: rows, n: 2, ldc: 4, s.Slice(RnnLayout.BiasSumL0Reverse, 2));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 2, k: 1, a.Slice(RnnLayout.InputX, 70), lda: 1, p.Slice(RnnLayout.WeightIhL0Reverse, 2), ldb: 1, a.Slice(RnnLayout.HiddenL0 + 2, 278), ldc: 4, accumulate: true);
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
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t, [Σ lengths (packed), 4]
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n;
            // t = first
            n = lanes[first];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first - 1] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 1
            n = lanes[first + 1];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 1] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 1] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 2
            n = lanes[first + 2];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 1] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 2] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 2] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 3
            n = lanes[first + 3];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 2] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 3] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 3] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 4
            n = lanes[first + 4];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 3] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 4] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 4] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 5
            n = lanes[first + 5];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 4] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 5] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 5] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 6
            n = lanes[first + 6];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 5] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 6] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 6] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 7
            n = lanes[first + 7];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 6] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 7] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 7] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 8
            n = lanes[first + 8];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 7] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 8] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 8] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 9
            n = lanes[first + 9];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 8] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 9] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 9] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 10
            n = lanes[first + 10];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 9] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 10] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 10] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 11
            n = lanes[first + 11];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 10] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 11] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 11] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 12
            n = lanes[first + 12];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 11] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 12] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 12] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 13
            n = lanes[first + 13];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 12] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 13] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 13] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 14
            n = lanes[first + 14];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 13] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 14] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 14] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            // t = first + 15
            n = lanes[first + 15];
            if (n == 0) return; // every lane has ended, and later steps have no lanes either
            RnnUnpackedRecurrentProduct(matrix: 0, m: n, n: 2, k: 2, h.Slice(start[first + 14] * 4, n * 4 - 2), lda: 4, wHh, h.Slice(start[first + 15] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first + 15] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
        }

        /// <summary>Layer 0 (reverse), steps first to first - 15: every middle block of 16 steps, called with its first step.</summary>
        private void RnnForwardL0ReverseBlock(int first)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0Reverse, 4);
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t, [Σ lengths (packed), 4]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 2); // h before the first step (lanes sorted)
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n, carried;
            // t = first: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first]; carried = lanes[first + 1];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first + 1] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 1: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 1]; carried = lanes[first];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 1] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 1] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 1] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 1] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 2: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 2]; carried = lanes[first - 1];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 1] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 2] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 2] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 2] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 2] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 3: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 3]; carried = lanes[first - 2];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 2] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 3] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 3] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 3] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 3] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 4: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 4]; carried = lanes[first - 3];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 3] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 4] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 4] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 4] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 4] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 5: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 5]; carried = lanes[first - 4];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 4] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 5] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 5] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 5] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 5] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 6: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 6]; carried = lanes[first - 5];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 5] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 6] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 6] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 6] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 6] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 7: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 7]; carried = lanes[first - 6];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 6] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 7] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 7] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 7] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 7] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 8: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 8]; carried = lanes[first - 7];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 7] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 8] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 8] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 8] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 8] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 9: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 9]; carried = lanes[first - 8];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 8] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 9] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 9] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 9] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 9] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 10: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 10]; carried = lanes[first - 9];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 9] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 10] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 10] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 10] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 10] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 11: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 11]; carried = lanes[first - 10];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 10] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 11] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 11] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 11] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 11] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 12: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 12]; carried = lanes[first - 11];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 11] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 12] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 12] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 12] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 12] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 13: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 13]; carried = lanes[first - 12];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 12] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 13] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 13] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 13] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 13] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 14: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 14]; carried = lanes[first - 13];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 13] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 14] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 14] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 14] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 14] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 15: lanes running past t continue from step t + 1, a lane whose last step is t starts from h0
            n = lanes[first - 15]; carried = lanes[first - 14];
            if (carried > 0)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: carried, n: 2, k: 2, h.Slice(start[first - 14] * 4 + 2, carried * 4 - 2), lda: 4, wHh, h.Slice(start[first - 15] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice(start[first - 15] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            if (n > carried)
            {
                RnnUnpackedRecurrentProduct(matrix: 1, m: n - carried, n: 2, k: 2, h0.Slice(carried * 2, (n - carried) * 2), lda: 2, wHh, h.Slice((start[first - 15] + carried) * 4 + 2, (n - carried) * 4 - 2), ldc: 4, accumulate: true);
                global::RnnGen.Cells.RnnCell.Forward(h.Slice((start[first - 15] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (tanh), 2 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            RnnBackwardL0Steps69To64();
            for (int first = 48; first >= 16; first -= 16) RnnBackwardL0Block(first);
            RnnBackwardL0Steps15To0();
            // Steps in reverse (reverse): each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            RnnBackwardL0ReverseSteps0To5();
            for (int first = 21; first <= 53; first += 16) RnnBackwardL0ReverseBlock(first);
            RnnBackwardL0ReverseSteps54To69();
            // Weight gradients, summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 1, k: rows, s.Slice(RnnLayout.DhL0, rows * 4 - 2), lda: 4, a.Slice(RnnLayout.InputX, 70), ldb: 1, g.Slice(RnnLayout.WeightIhL0, 2), ldc: 1, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, rows * 4 - 2), rows: rows, n: 2, ldy: 4, g.Slice(RnnLayout.BiasIhL0, 2));
            //   dW_hh: the gates of the first step pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[0]; // rows of step 0, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: firstRows, s.Slice(RnnLayout.DhL0, firstRows * 4 - 2), lda: 4, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 2), ldb: 2, g.Slice(RnnLayout.WeightHhL0, 4), ldc: 2, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.HiddenL0, 280), ld: 4, column: 0, width: 2, reverse: false, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0, 2), s.Slice(RnnLayout.PreviousRows, 140));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: rows - firstRows, s.Slice(RnnLayout.DhL0 + firstRows * 4, (rows - firstRows) * 4 - 2), lda: 4, s.Slice(RnnLayout.PreviousRows + firstRows * 2, (rows - firstRows) * 2), ldb: 2, g.Slice(RnnLayout.WeightHhL0, 4), ldc: 2, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0, rows * 4 - 2), rows: rows, n: 2, ldy: 4, g.Slice(RnnLayout.BiasHhL0, 2));
            // Weight gradients (reverse), summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 1, k: rows, s.Slice(RnnLayout.DhL0 + 2, rows * 4 - 2), lda: 4, a.Slice(RnnLayout.InputX, 70), ldb: 1, g.Slice(RnnLayout.WeightIhL0Reverse, 2), ldc: 1, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 2, rows * 4 - 2), rows: rows, n: 2, ldy: 4, g.Slice(RnnLayout.BiasIhL0Reverse, 2));
            //   dW_hh: the gates of the first step (reverse) pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[69]; // rows of step 69, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: firstRows, s.Slice(RnnLayout.DhL0 + _rnnLanes.Start[69] * 4 + 2, firstRows * 4 - 2), lda: 4, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 2), ldb: 2, g.Slice(RnnLayout.WeightHhL0Reverse, 4), ldc: 2, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.HiddenL0, 280), ld: 4, column: 2, width: 2, reverse: true, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 2), s.Slice(RnnLayout.PreviousRows, 140));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: rows - firstRows, s.Slice(RnnLayout.DhL0 + 2, (rows - firstRows) * 4 - 2), lda: 4, s.Slice(RnnLayout.PreviousRows, (rows - firstRows) * 2), ldb: 2, g.Slice(RnnLayout.WeightHhL0Reverse, 4), ldc: 2, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhL0 + 2, rows * 4 - 2), rows: rows, n: 2, ldy: 4, g.Slice(RnnLayout.BiasHhL0Reverse, 2));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: rows, n: 1, k: 2, s.Slice(RnnLayout.DhL0, rows * 4 - 2), lda: 4, p.Slice(RnnLayout.WeightIhL0, 2), ldb: 1, s.Slice(RnnLayout.Dx, rows), ldc: 1, accumulate: false);
                global::RnnGen.Kernels.Gemm.NN(m: rows, n: 1, k: 2, s.Slice(RnnLayout.DhL0 + 2, rows * 4 - 2), lda: 4, p.Slice(RnnLayout.WeightIhL0Reverse, 2), ldb: 1, s.Slice(RnnLayout.Dx, rows), ldc: 1, accumulate: true);
                _rnnLanes.UnpackRows(s.Slice(RnnLayout.Dx, rows), width: InputSize, _rnnInputGradient.Span);
            }
        }

        /// <summary>Backward through layer 0, steps first + 15 to first: every middle block of 16 steps, called with its first step.</summary>
        private void RnnBackwardL0Block(int first)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 4);
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t in packed rows, [Σ lengths, 4]
            var dh = s.Slice(RnnLayout.DhL0, 280); // dL/dh_t in packed rows, [Σ lengths, 4]
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n;
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = first + 15
            n = lanes[first + 15];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 15] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 15] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 15] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 14] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 14
            n = lanes[first + 14];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 14] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 14] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 14] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 13] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 13
            n = lanes[first + 13];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 13] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 13] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 13] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 12] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 12
            n = lanes[first + 12];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 12] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 12] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 12] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 11] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 11
            n = lanes[first + 11];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 11] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 11] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 11] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 10] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 10
            n = lanes[first + 10];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 10] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 10] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 10] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 9] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 9
            n = lanes[first + 9];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 9] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 9] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 9] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 8] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 8
            n = lanes[first + 8];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 8] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 8] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 8] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 7] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 7
            n = lanes[first + 7];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 7] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 7] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 7] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 6] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 6
            n = lanes[first + 6];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 6] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 6] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 6] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 5] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 5
            n = lanes[first + 5];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 5] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 5] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 5] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 4] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 4
            n = lanes[first + 4];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 4] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 4] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 4] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 3] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 3
            n = lanes[first + 3];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 3] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 3] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 3] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 2] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 2
            n = lanes[first + 2];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 2] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 2] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 2] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 1] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first + 1
            n = lanes[first + 1];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first + 1] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first + 1] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first + 1] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
            // t = first
            n = lanes[first];
            if (n > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first] * 4, n * 4 - 2), lddh: 4, h.Slice(start[first] * 4, n * 4 - 2), ldh: 4, batch: n, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: n, n: 2, k: 2, dh.Slice(start[first] * 4, n * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 1] * 4, n * 4 - 2), ldc: 4, accumulate: true);
            }
        }

        /// <summary>Backward through layer 0 (reverse), steps first - 15 to first: every middle block of 16 steps, called with its first step.</summary>
        private void RnnBackwardL0ReverseBlock(int first)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0Reverse, 4);
            var h = a.Slice(RnnLayout.HiddenL0, 280); // h_t in packed rows, [Σ lengths, 4]
            var dh = s.Slice(RnnLayout.DhL0, 280); // dL/dh_t in packed rows, [Σ lengths, 4]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHL0Reverse, 2); // h before the first step (lanes sorted)
            var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)
            var start = _rnnLanes.Start; // start[t]: the packed row where step t begins
            int n, carried;
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = first - 15: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 15]; carried = lanes[first - 14];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 15] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 15] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 15] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 14] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 15] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 15] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 14: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 14]; carried = lanes[first - 13];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 14] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 14] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 14] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 13] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 14] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 14] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 13: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 13]; carried = lanes[first - 12];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 13] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 13] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 13] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 12] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 13] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 13] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 12: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 12]; carried = lanes[first - 11];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 12] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 12] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 12] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 11] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 12] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 12] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 11: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 11]; carried = lanes[first - 10];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 11] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 11] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 11] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 10] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 11] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 11] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 10: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 10]; carried = lanes[first - 9];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 10] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 10] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 10] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 9] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 10] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 10] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 9: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 9]; carried = lanes[first - 8];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 9] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 9] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 9] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 8] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 9] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 9] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 8: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 8]; carried = lanes[first - 7];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 8] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 8] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 8] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 7] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 8] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 8] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 7: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 7]; carried = lanes[first - 6];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 7] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 7] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 7] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 6] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 7] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 7] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 6: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 6]; carried = lanes[first - 5];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 6] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 6] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 6] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 5] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 6] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 6] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 5: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 5]; carried = lanes[first - 4];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 5] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 5] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 5] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 4] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 5] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 5] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 4: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 4]; carried = lanes[first - 3];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 4] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 4] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 4] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 3] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 4] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 4] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 3: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 3]; carried = lanes[first - 2];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 3] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 3] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 3] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 2] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 3] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 3] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 2: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 2]; carried = lanes[first - 1];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 2] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 2] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 2] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first - 1] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 2] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 2] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first - 1: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first - 1]; carried = lanes[first];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first - 1] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first - 1] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first - 1] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first - 1] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first - 1] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
            // t = first: lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it
            n = lanes[first]; carried = lanes[first + 1];
            if (carried > 0)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice(start[first] * 4 + 2, carried * 4 - 2), lddh: 4, h.Slice(start[first] * 4 + 2, carried * 4 - 2), ldh: 4, batch: carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                global::RnnGen.Kernels.Gemm.NN(m: carried, n: 2, k: 2, dh.Slice(start[first] * 4 + 2, carried * 4 - 2), lda: 4, wHh, ldb: 2, dh.Slice(start[first + 1] * 4 + 2, carried * 4 - 2), ldc: 4, accumulate: true);
            }
            if (n > carried)
            {
                global::RnnGen.Cells.RnnCell.Backward(dh.Slice((start[first] + carried) * 4 + 2, (n - carried) * 4 - 2), lddh: 4, h.Slice((start[first] + carried) * 4 + 2, (n - carried) * 4 - 2), ldh: 4, batch: n - carried, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
            }
        }
