
        /// <summary>Teacher forcing: step t > 0 of the decoder reads the target of step t − 1.</summary>
        private void RnnLoadTeacher(global::System.ReadOnlySpan<float> targets)
        {
            _rnnActivations.Span.Slice(RnnLayout.DecoderInputX, 2).Clear(); // x_0 = 0
            targets.Slice(0, 2).CopyTo(_rnnActivations.Span.Slice(RnnLayout.DecoderInputX + 2, 2));
            // Targets past a lane's length are not validated: the inputs made of them become 0, so nothing they hold reaches the activations.
            if (!_rnnTargetLanes.Full) _rnnTargetLanes.FillPast(_rnnActivations.Span.Slice(RnnLayout.DecoderInputX, 4), width: 2, shift: 1, value: 0);
        }

        /// <summary>Free-running inference: every step reads the previous step's output.</summary>
        private void RnnDecode()
        {
            // The encoder reads the whole input at once, as in training.
            RnnForwardEncoderL0();
            RnnSaveStateEncoder(_rnnActivations.Span.Slice(RnnLayout.DecoderInitialState, StateSize));
            _rnnActivations.Span.Slice(RnnLayout.DecoderInputX, 2).Clear(); // x_0 = 0
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.DecoderBiasIhL0, 2), p.Slice(RnnLayout.DecoderBiasHhL0, 2), s.Slice(RnnLayout.BiasSumDecoderL0, 2));
            for (int t = 0; t < OutputSteps; t++)
            {
                RnnDecodeDecoderL0(t);
                RnnForwardHead(first: t, count: 1);
                // The output is the next step's input.
                if (t + 1 < OutputSteps) Output.Slice(t * Batch * OutputSize, Batch * OutputSize).CopyTo(_rnnActivations.Span.Slice(RnnLayout.DecoderInputX + (t + 1) * 2, 2));
            }
            RnnSaveStateDecoder(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
        }

        /// <summary>Backpropagation through time for decoder layer 0 (RNN (tanh), 2 units), then its weight gradients.</summary>
        private void RnnBackwardDecoderL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            RnnBackwardDecoderL0Steps1To0();
            // Weight gradients, summed over all 2 steps by one product each (OutputSteps·Batch = 2 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 2, s.Slice(RnnLayout.DhDecoderL0, 4), lda: 2, a.Slice(RnnLayout.DecoderInputX, 4), ldb: 2, g.Slice(RnnLayout.DecoderWeightIhL0, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhDecoderL0, 4), rows: 2, n: 2, ldy: 2, g.Slice(RnnLayout.DecoderBiasIhL0, 2));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 1, s.Slice(RnnLayout.DhDecoderL0, 2), lda: 2, _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 2), ldb: 2, g.Slice(RnnLayout.DecoderWeightHhL0, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 2, k: 1, s.Slice(RnnLayout.DhDecoderL0 + 2, 2), lda: 2, a.Slice(RnnLayout.DecoderHiddenL0, 2), ldb: 2, g.Slice(RnnLayout.DecoderWeightHhL0, 4), ldc: 2, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhDecoderL0, 4), rows: 2, n: 2, ldy: 2, g.Slice(RnnLayout.DecoderBiasHhL0, 2));
        }
