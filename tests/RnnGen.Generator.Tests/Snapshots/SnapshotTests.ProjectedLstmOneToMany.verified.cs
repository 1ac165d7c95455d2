
        /// <summary>Free-running inference: every step reads the previous step's output.</summary>
        private void RnnDecode()
        {
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 12), p.Slice(RnnLayout.BiasHhL0, 12), s.Slice(RnnLayout.BiasSumL0, 12));
            for (int t = 0; t < OutputSteps; t++)
            {
                RnnDecodeL0(t);
                RnnForwardHead(first: t, count: 1);
                // The output is the next step's input.
                if (t + 1 < OutputSteps) Output.Slice(t * Batch * OutputSize, Batch * OutputSize).CopyTo(_rnnActivations.Span.Slice(RnnLayout.InputX + (t + 1) * 4, 4));
            }
            RnnSaveState(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
        }

        /// <summary>Layer 0 at step t of free-running inference.</summary>
        private void RnnDecodeL0(int t)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 24);
            var h = a.Slice(RnnLayout.HiddenL0, 8); // h_t, [OutputSteps, Batch, 2]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 4); // h before the first step
            var gates = a.Slice(RnnLayout.GatesL0, 48); // [OutputSteps, Batch, 4·3]
            var c = a.Slice(RnnLayout.CellL0, 12); // c_t, [OutputSteps, Batch, 3]
            var c0 = _rnnInitialState.Span.Slice(RnnLayout.StateCL0, 6); // c before step 0
            var mt = a.Slice(RnnLayout.UnprojectedL0, 12); // m_t = o⊙tanh(c_t), [OutputSteps, Batch, 3]
            var wHr = p.Slice(RnnLayout.WeightHrL0, 6); // [2, 3]
            // [i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh   (h has the projected width P; W_hh is [4H, P])
            // i, f, o = σ(·);  g = tanh(·)
            // c_t = f⊙c_(t-1) + i⊙g;  m_t = o⊙tanh(c_t);  h_t = m_t·W_hrᵀ   (W_hr: [P, H])
            var s = _rnnScratch.Span;
            // x_t·W_ihᵀ + biases for the rows of step t.
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesL0 + t * 24, 24), rows: 2, n: 12, ldc: 12, s.Slice(RnnLayout.BiasSumL0, 12));
            global::RnnGen.Kernels.Gemm.NT(m: 2, n: 12, k: 2, a.Slice(RnnLayout.InputX + t * 4, 4), lda: 2, p.Slice(RnnLayout.WeightIhL0, 24), ldb: 2, a.Slice(RnnLayout.GatesL0 + t * 24, 24), ldc: 12, accumulate: true);
            // The recurrence at step t (h_(t-1) is h0 at t = 0).
            var hPrev = t == 0 ? h0 : h.Slice((t - 1) * 4, 4);
            var cPrev = t == 0 ? c0 : c.Slice((t - 1) * 6, 6);
            RnnUnpackedRecurrentProduct(matrix: 0, m: 2, n: 12, k: 2, hPrev, lda: 2, wHh, gates.Slice(t * 24, 24), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(t * 24, 24), cPrev, c.Slice(t * 6, 6), mt.Slice(t * 6, 6), ldh: 3, batch: 2, hidden: 3);
            global::RnnGen.Kernels.Gemm.NT(m: 2, n: 2, k: 3, mt.Slice(t * 6, 6), lda: 3, wHr, ldb: 3, h.Slice(t * 4, 4), ldc: 2, accumulate: false); // h_t = m_t·W_hrᵀ
        }

        /// <summary>Backpropagation through time for layer 0 (LSTM, 3 units, projected to 2), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // dL/dc after the last step is zero.
            s.Slice(RnnLayout.Dc, 6).Clear();
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.WeightHhL0, 24), k: 12, n: 2, ldb: 2);
            RnnBackwardL0Steps1To0();
            // Weight gradients, summed over all 2 steps by one product each (OutputSteps·Batch = 4 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 12, n: 2, k: 4, a.Slice(RnnLayout.GatesL0, 48), lda: 12, a.Slice(RnnLayout.InputX, 8), ldb: 2, g.Slice(RnnLayout.WeightIhL0, 24), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesL0, 48), rows: 4, n: 12, ldy: 12, g.Slice(RnnLayout.BiasIhL0, 12));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 12, n: 2, k: 2, a.Slice(RnnLayout.GatesL0, 24), lda: 12, _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 4), ldb: 2, g.Slice(RnnLayout.WeightHhL0, 24), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 12, n: 2, k: 2, a.Slice(RnnLayout.GatesL0 + 24, 24), lda: 12, a.Slice(RnnLayout.HiddenL0, 4), ldb: 2, g.Slice(RnnLayout.WeightHhL0, 24), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesL0, 48), rows: 4, n: 12, ldy: 12, g.Slice(RnnLayout.BiasHhL0, 12));
            //   dW_hr += Σ_t dh_tᵀ·m_t: dh holds the whole dL/dh_t of every step once the recurrence is done.
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 3, k: 4, s.Slice(RnnLayout.DhL0, 8), lda: 2, a.Slice(RnnLayout.UnprojectedL0, 12), ldb: 3, g.Slice(RnnLayout.WeightHrL0, 6), ldc: 3, accumulate: true);
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            if (ComputeInputGradient)
            {
                global::RnnGen.Kernels.Gemm.NN(m: 4, n: 2, k: 12, a.Slice(RnnLayout.GatesL0, 48), lda: 12, p.Slice(RnnLayout.WeightIhL0, 24), ldb: 2, s.Slice(RnnLayout.Dx, 8), ldc: 2, accumulate: false);
            }
        }

        /// <summary>Backward through layer 0, steps 1 down to 0.</summary>
        private void RnnBackwardL0Steps1To0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var dh = s.Slice(RnnLayout.DhL0, 8); // dL/dh_t, [OutputSteps, Batch, 2]
            var gates = a.Slice(RnnLayout.GatesL0, 48); // [OutputSteps, Batch, 4·3]
            var c = a.Slice(RnnLayout.CellL0, 12); // c_t, [OutputSteps, Batch, 3]
            var c0 = _rnnInitialState.Span.Slice(RnnLayout.StateCL0, 6); // c before step 0
            var dc = s.Slice(RnnLayout.Dc, 6); // dL/dc, carried from step t + 1 to step t
            var dm = s.Slice(RnnLayout.Dm, 6); // dL/dm_t of the current step
            var wHr = p.Slice(RnnLayout.WeightHrL0, 6); // [2, 3]
            // dm = dh_t·W_hr   (dL/dm_t; dW_hr += dh_tᵀ·m_t is one product over all steps afterwards)
            // τ = tanh(c_t);  do = dm⊙τ⊙o(1−o);  dc += dm⊙o⊙(1−τ²)   (dc: dL/dc_t, carried from step t + 1)
            // di = dc⊙g⊙i(1−i);  df = dc⊙c_(t-1)⊙f(1−f);  dg = dc⊙i⊙(1−g²);  then dc ← dc⊙f, which is dL/dc_(t-1)
            // (i f g o) are overwritten in place by (di df dg do);  dh_(t-1) += [di df dg do]·W_hh
            // t = 1
            global::RnnGen.Kernels.Gemm.NN(m: 2, n: 3, k: 2, dh.Slice(4, 4), lda: 2, wHr, ldb: 3, dm, ldc: 3, accumulate: false); // dm = dh_t·W_hr
            global::RnnGen.Cells.LstmCell.Backward(gates.Slice(24, 24), c.Slice(0, 6), c.Slice(6, 6), dm, lddh: 3, dc, batch: 2, hidden: 3);
            global::RnnGen.Kernels.Gemm.NN(m: 2, gates.Slice(24, 24), lda: 12, _rnnPacked, dh.Slice(0, 4), ldc: 2, accumulate: true);
            // t = 0
            global::RnnGen.Kernels.Gemm.NN(m: 2, n: 3, k: 2, dh.Slice(0, 4), lda: 2, wHr, ldb: 3, dm, ldc: 3, accumulate: false); // dm = dh_t·W_hr
            global::RnnGen.Cells.LstmCell.Backward(gates.Slice(0, 24), c0, c.Slice(0, 6), dm, lddh: 3, dc, batch: 2, hidden: 3);
        }

        /// <summary>
        /// Runs one step for one lane: an input vector through every layer and the head, advancing that lane's
        /// row of <see cref="StepState"/>. Returns the lane's output (after activation), valid until the next call for that lane.
        /// </summary>
        public global::System.ReadOnlySpan<float> Step(global::System.ReadOnlySpan<float> input, int lane = 0)
        {
            RnnEnter();
            try
            {
                global::RnnGen.Inputs.ArgumentChecks.Finite(input, InputSize, "[InputSize]", nameof(input));
                if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, "The lane must lie in [0, Batch).");
                using global::RnnGen.Kernels.GemmWorkers.Scope rnnWorkers = global::RnnGen.Kernels.GemmWorkers.Use(_rnnWorkers);
                var p = _rnnParameters.Span;
                var s = _rnnScratch.Span;
                var state = _rnnStepState.Span;
                // Layer 0 (LSTM, 3 units, projected to 2).
                {
                    var h = state.Slice(RnnLayout.StateHL0 + lane * 2, 2); // this lane's h, updated in place
                    var gates = s.Slice(RnnLayout.StepGates, 12);
                    var wHh = p.Slice(RnnLayout.WeightHhL0, 24);
                    var c = state.Slice(RnnLayout.StateCL0 + lane * 3, 3); // this lane's c, updated in place
                    var mt = s.Slice(RnnLayout.StepUnprojected, 3); // m_t = o⊙tanh(c_t), before h_t = m_t·W_hrᵀ
                    var wHr = p.Slice(RnnLayout.WeightHrL0, 6);
                    global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 12), p.Slice(RnnLayout.BiasHhL0, 12), s.Slice(RnnLayout.StepGates, 12));
                    global::RnnGen.Kernels.Gemm.NT(m: 1, n: 12, k: 2, input, lda: 2, p.Slice(RnnLayout.WeightIhL0, 24), ldb: 2, gates, ldc: 12, accumulate: true);
                    RnnUnpackedRecurrentProduct(matrix: 0, m: 1, n: 12, k: 2, h, lda: 2, wHh, gates, ldc: 12, accumulate: true);
                    global::RnnGen.Cells.LstmCell.Forward(gates, c, c, mt, ldh: 3, batch: 1, hidden: 3);
                    global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 3, mt, lda: 3, wHr, ldb: 3, h, ldc: 2, accumulate: false); // h_t = m_t·W_hrᵀ
                }
                // Head: z = h·W_headᵀ + b_head, then the output activation.
                var output = s.Slice(RnnLayout.StepOutput + lane * 2, 2);
                global::RnnGen.Kernels.Bias.Broadcast(output, rows: 1, n: 2, ldc: 2, p.Slice(RnnLayout.HeadBias, 2));
                global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 2, state.Slice(RnnLayout.StateHL0 + lane * 2, 2), lda: 2, p.Slice(RnnLayout.HeadWeight, 4), ldb: 2, output, ldc: 2, accumulate: true);
                // y = z (no activation).
                return output;
            }
            finally
            {
                global::System.Threading.Volatile.Write(ref _rnnBusy, 0);
            }
        }

        /// <summary>A chunk's inputs into the decoder's step-0 input and its h_(t-1), c_(t-1) into <c>_rnnStepPrevious</c> (rows of InitialState's layout);
        /// <c>computed</c> rows past <c>rows</c> repeat the chunk's first row.</summary>
        private void RnnDecoderStepLoad(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<float> states, int rows, int computed)
        {
            var previous = _rnnStepPrevious.Span;
            for (int r = 0; r < computed; r++)
            {
                int from = r < rows ? r : 0;
                inputs.Slice(from * DecoderInputSize, DecoderInputSize).CopyTo(_rnnActivations.Span.Slice(RnnLayout.InputX + r * DecoderInputSize, DecoderInputSize));
                var row = states.Slice(from * DecoderStateSize, DecoderStateSize);
                row.Slice(0, 2).CopyTo(previous.Slice(RnnLayout.StateHL0 + r * 2, 2));
                row.Slice(2, 3).CopyTo(previous.Slice(RnnLayout.StateCL0 + r * 3, 3));
            }
        }

        /// <summary>Layer 0 at one decoder step for a chunk of rows (at most Batch).</summary>
        private void RnnDecoderStepL0(int rows)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 24);
            var h = a.Slice(RnnLayout.HiddenL0, 8); // h_t, [OutputSteps, Batch, 2]
            var gates = a.Slice(RnnLayout.GatesL0, 48); // [OutputSteps, Batch, 4·3]
            var c = a.Slice(RnnLayout.CellL0, 12); // c_t, [OutputSteps, Batch, 3]
            var mt = a.Slice(RnnLayout.UnprojectedL0, 12); // m_t = o⊙tanh(c_t), [OutputSteps, Batch, 3]
            var wHr = p.Slice(RnnLayout.WeightHrL0, 6); // [2, 3]
            // [i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh   (h has the projected width P; W_hh is [4H, P])
            // i, f, o = σ(·);  g = tanh(·)
            // c_t = f⊙c_(t-1) + i⊙g;  m_t = o⊙tanh(c_t);  h_t = m_t·W_hrᵀ   (W_hr: [P, H])
            var s = _rnnScratch.Span;
            // x·W_ihᵀ + biases for the chunk's rows.
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesL0, (rows - 1) * 12 + 12), rows: rows, n: 12, ldc: 12, s.Slice(RnnLayout.BiasSumL0, 12));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 12, k: 2, a.Slice(RnnLayout.InputX, rows * 2), lda: 2, p.Slice(RnnLayout.WeightIhL0, 24), ldb: 2, a.Slice(RnnLayout.GatesL0, (rows - 1) * 12 + 12), ldc: 12, accumulate: true);
            // The recurrence from the rows' own h_(t-1) (and c_(t-1)).
            var hPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateHL0, rows * 2);
            var cPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateCL0, rows * 3);
            RnnUnpackedRecurrentProduct(matrix: 0, m: rows, n: 12, k: 2, hPrev, lda: 2, wHh, gates.Slice(0, rows * 12), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(0, rows * 12), cPrev, c.Slice(0, rows * 3), mt.Slice(0, rows * 3), ldh: 3, batch: rows, hidden: 3);
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 2, k: 3, mt.Slice(0, rows * 3), lda: 3, wHr, ldb: 3, h.Slice(0, rows * 2), ldc: 2, accumulate: false); // h_t = m_t·W_hrᵀ
        }

        /// <summary>The head over a chunk's rows, reading the top layer's h of step 0.</summary>
        private void RnnDecoderStepHead(int rows)
        {
            RnnForwardHead(first: 0, count: 1); // all Batch rows of step 0; rows past the chunk's are not read
        }

        /// <summary>A chunk's new h_t, c_t back into the caller's rows, and its outputs.</summary>
        private void RnnDecoderStepStore(global::System.Span<float> states, global::System.Span<float> outputs, int rows)
        {
            var a = _rnnActivations.Span;
            for (int r = 0; r < rows; r++)
            {
                var row = states.Slice(r * DecoderStateSize, DecoderStateSize);
                a.Slice(RnnLayout.HiddenL0 + r * 2, 2).CopyTo(row.Slice(0, 2)); // h_t of layer 0
                a.Slice(RnnLayout.CellL0 + r * 3, 3).CopyTo(row.Slice(2, 3)); // c_t of layer 0
            }
            Output.Slice(0, rows * OutputSize).CopyTo(outputs);
        }
