
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
            global::RnnGen.Kernels.Gemm.NT(m: 2, n: 12, k: 3, hPrev, lda: 3, wHh, ldb: 3, gates.Slice(t * 24, 24), ldc: 12, accumulate: true);
            global::RnnGen.Cells.LstmCell.Forward(gates.Slice(t * 24, 24), cPrev, c.Slice(t * 6, 6), h.Slice(t * 6, 6), ldh: 3, batch: 2, hidden: 3);
        }
