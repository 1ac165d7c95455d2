
        /// <summary>Teacher forcing: step t > 0 of the recurrence reads the target of step t − 1.</summary>
        private void RnnLoadTeacher(global::System.ReadOnlySpan<float> targets)
        {
            targets.Slice(0, 8).CopyTo(_rnnActivations.Span.Slice(RnnLayout.InputX + 4, 8));
            // Targets past a lane's length are not validated: the inputs made of them become 0, so nothing they hold reaches the activations.
            if (!_rnnTargetLanes.Full) _rnnTargetLanes.FillPast(_rnnActivations.Span.Slice(RnnLayout.InputX, 12), width: 2, shift: 1, value: 0);
        }

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
            var wHh = p.Slice(RnnLayout.WeightHhL0, 36);
            var h = a.Slice(RnnLayout.HiddenL0, 18); // h_t, [OutputSteps, Batch, 3]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 6); // h before the first step
            var gates = a.Slice(RnnLayout.GatesL0, 72); // [OutputSteps, Batch, 4·3]
            var c = a.Slice(RnnLayout.CellL0, 18); // c_t, [OutputSteps, Batch, 3]
            var c0 = _rnnInitialState.Span.Slice(RnnLayout.StateCL0, 6); // c before step 0
            // [i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh
            // i, f, o = σ(·);  g = tanh(·)
            // c_t = f⊙c_(t-1) + i⊙g;  h_t = o⊙tanh(c_t)
            var s = _rnnScratch.Span;
            // x_t·W_ihᵀ + biases for the rows of step t.
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesL0 + t * 24, 24), rows: 2, n: 12, ldc: 12, s.Slice(RnnLayout.BiasSumL0, 12));
            global::RnnGen.Kernels.Gemm.NT(m: 2, n: 12, k: 2, a.Slice(RnnLayout.InputX + t * 4, 4), lda: 2, p.Slice(RnnLayout.WeightIhL0, 24), ldb: 2, a.Slice(RnnLayout.GatesL0 + t * 24, 24), ldc: 12, accumulate: true);
            // The recurrence at step t (h_(t-1) is h0 at t = 0).
            var hPrev = t == 0 ? h0 : h.Slice((t - 1) * 6, 6);
            var cPrev = t == 0 ? c0 : c.Slice((t - 1) * 6, 6);
            RnnUnpackedRecurrentProduct(matrix: 0, m: 2, n: 12, k: 3, hPrev, lda: 3, wHh, gates.Slice(t * 24, 24), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(t * 24, 24), cPrev, c.Slice(t * 6, 6), h.Slice(t * 6, 6), ldh: 3, batch: 2, hidden: 3);
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
                row.Slice(0, 3).CopyTo(previous.Slice(RnnLayout.StateHL0 + r * 3, 3));
                row.Slice(3, 3).CopyTo(previous.Slice(RnnLayout.StateCL0 + r * 3, 3));
            }
        }

        /// <summary>Layer 0 at one decoder step for a chunk of rows (at most Batch).</summary>
        private void RnnDecoderStepL0(int rows)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 36);
            var h = a.Slice(RnnLayout.HiddenL0, 18); // h_t, [OutputSteps, Batch, 3]
            var gates = a.Slice(RnnLayout.GatesL0, 72); // [OutputSteps, Batch, 4·3]
            var c = a.Slice(RnnLayout.CellL0, 18); // c_t, [OutputSteps, Batch, 3]
            // [i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh
            // i, f, o = σ(·);  g = tanh(·)
            // c_t = f⊙c_(t-1) + i⊙g;  h_t = o⊙tanh(c_t)
            var s = _rnnScratch.Span;
            // x·W_ihᵀ + biases for the chunk's rows.
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesL0, (rows - 1) * 12 + 12), rows: rows, n: 12, ldc: 12, s.Slice(RnnLayout.BiasSumL0, 12));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 12, k: 2, a.Slice(RnnLayout.InputX, rows * 2), lda: 2, p.Slice(RnnLayout.WeightIhL0, 24), ldb: 2, a.Slice(RnnLayout.GatesL0, (rows - 1) * 12 + 12), ldc: 12, accumulate: true);
            // The recurrence from the rows' own h_(t-1) (and c_(t-1)).
            var hPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateHL0, rows * 3);
            var cPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateCL0, rows * 3);
            RnnUnpackedRecurrentProduct(matrix: 0, m: rows, n: 12, k: 3, hPrev, lda: 3, wHh, gates.Slice(0, rows * 12), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(0, rows * 12), cPrev, c.Slice(0, rows * 3), h.Slice(0, rows * 3), ldh: 3, batch: rows, hidden: 3);
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
                a.Slice(RnnLayout.HiddenL0 + r * 3, 3).CopyTo(row.Slice(0, 3)); // h_t of layer 0
                a.Slice(RnnLayout.CellL0 + r * 3, 3).CopyTo(row.Slice(3, 3)); // c_t of layer 0
            }
            Output.Slice(0, rows * OutputSize).CopyTo(outputs);
        }
