
        /// <summary>The forward pass over the loaded inputs (teacher forcing): every layer over all steps, then the head.</summary>
        private void RnnForwardCore()
        {
            // Dropout while training (Training); each pass draws new masks, the same for forward and backward.
            _rnnDropping = _rnnTraining;
            if (_rnnDropping) RnnDrawDropoutMasks();
            // x_t = encoder.embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.EncoderEmbeddingWeight, 15), width: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, _rnnLanes.TotalRows), _rnnActivations.Span.Slice(RnnLayout.EncoderInputX, 18));
            RnnForwardEncoderL0();
            // The decoder starts from the encoder's final state, layer by layer.
            RnnSaveStateEncoder(_rnnActivations.Span.Slice(RnnLayout.DecoderInitialState, StateSize));
            // x_t = decoder.embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.DecoderEmbeddingWeight, 18), width: 3, _rnnDecoderTokens, _rnnActivations.Span.Slice(RnnLayout.DecoderInputX, 12));
            RnnForwardDecoderL0();
            RnnForwardHead(first: 0, count: OutputSteps);
            RnnSaveStateDecoder(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
            _rnnLogitsState = 0;
        }

        /// <summary>Encoder layer 0: RNN (tanh), 4 units; reads packed rows [Σ lengths, 3], writes h [Σ lengths, 4].</summary>
        private void RnnForwardEncoderL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Input projection for all steps at once (one row per real step of each lane):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.EncoderBiasIhL0, 4), p.Slice(RnnLayout.EncoderBiasHhL0, 4), s.Slice(RnnLayout.BiasSumEncoderL0, 4));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.EncoderHiddenL0, 24), rows: rows, n: 4, ldc: 4, s.Slice(RnnLayout.BiasSumEncoderL0, 4));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 4, k: 3, a.Slice(RnnLayout.EncoderInputX, 18), lda: 3, p.Slice(RnnLayout.EncoderWeightIhL0, 12), ldb: 3, a.Slice(RnnLayout.EncoderHiddenL0, 24), ldc: 4, accumulate: true);
            // Recurrent dropout (p = 0.4): the product reads h_(t-1)⊙m while training, m one row per lane for the whole pass; first h0⊙m.
            if (_rnnDropping) global::RnnGen.Kernels.Dropout.Apply(_rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHEncoderL0, 8), ldx: 4, a.Slice(RnnLayout.RecurrentMaskEncoderL0, 8), ldm: 4, a.Slice(RnnLayout.RecurrentInitialEncoderL0, 8), ldy: 4, rows: 2, columns: 4);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.EncoderWeightHhL0, 16), n: 4, k: 4, ldb: 4);
            RnnForwardEncoderL0Steps0To2();
        }

        /// <summary>Decoder layer 0: RNN (tanh), 4 units; reads [OutputSteps, Batch, 3], writes h [OutputSteps, Batch, 4].</summary>
        private void RnnForwardDecoderL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Input projection for all 2 steps at once (OutputSteps·Batch = 4 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.DecoderBiasIhL0, 4), p.Slice(RnnLayout.DecoderBiasHhL0, 4), s.Slice(RnnLayout.BiasSumDecoderL0, 4));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.DecoderHiddenL0, 16), rows: 4, n: 4, ldc: 4, s.Slice(RnnLayout.BiasSumDecoderL0, 4));
            global::RnnGen.Kernels.Gemm.NT(m: 4, n: 4, k: 3, a.Slice(RnnLayout.DecoderInputX, 12), lda: 3, p.Slice(RnnLayout.DecoderWeightIhL0, 12), ldb: 3, a.Slice(RnnLayout.DecoderHiddenL0, 16), ldc: 4, accumulate: true);
            // Recurrent dropout (p = 0.4): the product reads h_(t-1)⊙m while training, m one row per lane for the whole pass; first h0⊙m.
            if (_rnnDropping) global::RnnGen.Kernels.Dropout.Apply(_rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 8), ldx: 4, a.Slice(RnnLayout.RecurrentMaskDecoderL0, 8), ldm: 4, a.Slice(RnnLayout.RecurrentInitialDecoderL0, 8), ldy: 4, rows: 2, columns: 4);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.DecoderWeightHhL0, 16), n: 4, k: 4, ldb: 4);
            RnnForwardDecoderL0Steps0To1();
            // Dropout of this layer's output (p = 0.2): the head reads h⊙mask while training.
            if (_rnnDropping) global::RnnGen.Kernels.Dropout.Apply(a.Slice(RnnLayout.DecoderHiddenL0, 16), ldx: 4, a.Slice(RnnLayout.DropoutMaskDecoderL0, 16), ldm: 4, a.Slice(RnnLayout.DroppedDecoderL0, 16), ldy: 4, rows: 4, columns: 4);
        }

        /// <summary>Decoder layer 0, steps 0 to 1.</summary>
        private void RnnForwardDecoderL0Steps0To1()
        {
            var a = _rnnActivations.Span;
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 16); // h_t, [OutputSteps, Batch, 4]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 8); // h before the first step
            var hr = _rnnDropping ? a.Slice(RnnLayout.RecurrentInputDecoderL0, 16) : h; // what the recurrent product reads: h_t⊙m while training
            var hr0 = (_rnnDropping ? _rnnActivations.Span.Slice(RnnLayout.RecurrentInitialDecoderL0, 8) : _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 8));
            var m = a.Slice(RnnLayout.RecurrentMaskDecoderL0, 8); // recurrent dropout mask, [Batch, 4]
            // h_t = tanh(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // t = 0
            global::RnnGen.Kernels.Gemm.NT(m: 2, hr0, lda: 4, _rnnPacked, h.Slice(0, 8), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(0, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            if (_rnnDropping) global::RnnGen.Kernels.Dropout.Apply(h.Slice(0, 8), ldx: 4, m, ldm: 4, hr.Slice(0, 8), ldy: 4, rows: 2, columns: 4);
            // t = 1
            global::RnnGen.Kernels.Gemm.NT(m: 2, hr.Slice(0, 8), lda: 4, _rnnPacked, h.Slice(8, 8), ldc: 4, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(8, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            if (_rnnDropping) global::RnnGen.Kernels.Dropout.Apply(h.Slice(8, 8), ldx: 4, m, ldm: 4, hr.Slice(8, 8), ldy: 4, rows: 2, columns: 4);
        }

        /// <summary>Draws this pass's dropout masks from <see cref="DropoutRandom"/>: each value 0 with probability p, else 1/(1 − p).</summary>
        private void RnnDrawDropoutMasks()
        {
            var a = _rnnActivations.Span;
            global::RnnGen.Kernels.Dropout.DrawMask(a.Slice(RnnLayout.RecurrentMaskEncoderL0, 8), 0.4, _rnnDropoutRandom); // h_(t-1) of encoder layer 0, one row per lane
            global::RnnGen.Kernels.Dropout.DrawMask(a.Slice(RnnLayout.DropoutMaskDecoderL0, 4 * 4), 0.2, _rnnDropoutRandom); // output of decoder layer 0
            global::RnnGen.Kernels.Dropout.DrawMask(a.Slice(RnnLayout.RecurrentMaskDecoderL0, 8), 0.4, _rnnDropoutRandom); // h_(t-1) of decoder layer 0, one row per lane
        }

        /// <summary>Free-running inference: every step reads the previous step's chosen token.</summary>
        private void RnnDecode(float temperature, global::RnnGen.Randomness.Xoshiro256StarStar? random, int topK, float topP)
        {
            _rnnDropping = false; // decoding evaluates: nothing is dropped
            // The encoder reads the whole input at once, as in training.
            // x_t = encoder.embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.EncoderEmbeddingWeight, 15), width: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, _rnnLanes.TotalRows), _rnnActivations.Span.Slice(RnnLayout.EncoderInputX, 18));
            RnnForwardEncoderL0();
            RnnSaveStateEncoder(_rnnActivations.Span.Slice(RnnLayout.DecoderInitialState, StateSize));
            global::System.Array.Fill(_rnnDecoderTokens, StartToken, 0, Batch); // token_0 = the start token
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.DecoderBiasIhL0, 4), p.Slice(RnnLayout.DecoderBiasHhL0, 4), s.Slice(RnnLayout.BiasSumDecoderL0, 4));
            global::System.Array.Fill(_rnnGeneratedLengths, OutputSteps);
            for (int t = 0; t < OutputSteps; t++)
            {
                RnnDecodeDecoderL0(t);
                RnnForwardHead(first: t, count: 1);
                // The chosen token is this step's prediction and the next step's input.
                var probabilities = Output.Slice(t * Batch * OutputSize, Batch * OutputSize);
                for (int lane = 0; lane < Batch; lane++)
                {
                    var row = probabilities.Slice(lane * OutputSize, OutputSize);
                    int token = random is null || temperature == 0 ? global::RnnGen.Inference.Sampling.ArgMax(row) : global::RnnGen.Inference.Sampling.Sample(row, temperature, random, topK, topP);
                    _rnnGenerated[t * Batch + lane] = token;
                    if (t + 1 < OutputSteps) _rnnDecoderTokens[(t + 1) * Batch + lane] = token;
                }
            }
            RnnSaveStateDecoder(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
            _rnnLogitsState = 0;
        }

        /// <summary>Backpropagation through time for decoder layer 0 (RNN (tanh), 4 units), then its weight gradients.</summary>
        private void RnnBackwardDecoderL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // The layer above read h⊙mask: dL/dh = dL/d(h⊙mask)⊙mask.
            if (_rnnDropping) global::RnnGen.Kernels.Dropout.Apply(s.Slice(RnnLayout.DhDecoderL0, 16), ldx: 4, a.Slice(RnnLayout.DropoutMaskDecoderL0, 16), ldm: 4, s.Slice(RnnLayout.DhDecoderL0, 16), ldy: 4, rows: 4, columns: 4);
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.DecoderWeightHhL0, 16), k: 4, n: 4, ldb: 4);
            RnnBackwardDecoderL0Steps1To0();
            // Weight gradients, summed over all 2 steps by one product each (OutputSteps·Batch = 4 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 4, n: 3, k: 4, s.Slice(RnnLayout.DhDecoderL0, 16), lda: 4, a.Slice(RnnLayout.DecoderInputX, 12), ldb: 3, g.Slice(RnnLayout.DecoderWeightIhL0, 12), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhDecoderL0, 16), rows: 4, n: 4, ldy: 4, g.Slice(RnnLayout.DecoderBiasIhL0, 4));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 4, n: 4, k: 2, s.Slice(RnnLayout.DhDecoderL0, 8), lda: 4, (_rnnDropping ? _rnnActivations.Span.Slice(RnnLayout.RecurrentInitialDecoderL0, 8) : _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 8)), ldb: 4, g.Slice(RnnLayout.DecoderWeightHhL0, 16), ldc: 4, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 4, n: 4, k: 2, s.Slice(RnnLayout.DhDecoderL0 + 8, 8), lda: 4, a.Slice((_rnnDropping ? RnnLayout.RecurrentInputDecoderL0 : RnnLayout.DecoderHiddenL0), 8), ldb: 4, g.Slice(RnnLayout.DecoderWeightHhL0, 16), ldc: 4, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.DhDecoderL0, 16), rows: 4, n: 4, ldy: 4, g.Slice(RnnLayout.DecoderBiasHhL0, 4));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            global::RnnGen.Kernels.Gemm.NN(m: 4, n: 3, k: 4, s.Slice(RnnLayout.DhDecoderL0, 16), lda: 4, p.Slice(RnnLayout.DecoderWeightIhL0, 12), ldb: 3, s.Slice(RnnLayout.DxDecoder, 12), ldc: 3, accumulate: false);
            // d(decoder.embedding.weight)[token_t] += dL/dx_t.
            global::RnnGen.Inputs.Embedding.AccumulateGradient(s.Slice(RnnLayout.DxDecoder, 12), ldx: 3, _rnnDecoderTokens, g.Slice(RnnLayout.DecoderEmbeddingWeight, 18), width: 3);
        }

        /// <summary>Backward through decoder layer 0, steps 1 down to 0.</summary>
        private void RnnBackwardDecoderL0Steps1To0()
        {
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 16); // h_t, [OutputSteps, Batch, 4]
            var dh = s.Slice(RnnLayout.DhDecoderL0, 16); // dL/dh_t, [OutputSteps, Batch, 4]
            var m = a.Slice(RnnLayout.RecurrentMaskDecoderL0, 8); // recurrent dropout mask, [Batch, 4]
            var dh0 = s.Slice(RnnLayout.DecoderInitialStateGradient + RnnLayout.StateHDecoderL0, 8); // dL/dh0: the encoder's gradient at its last step
            // dpre_t = dh_t⊙(1 − h_t²)   (in place over dh_t)
            // dh_(t-1) += dpre_t·W_hh
            // t = 1
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(8, 8), lddh: 4, h.Slice(8, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            if (_rnnDropping) // the product read h_(t-1)⊙m
            {
                global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(8, 8), lda: 4, _rnnPacked, _rnnScratch.Span.Slice(RnnLayout.RecurrentDropoutProduct, 8), ldc: 4, accumulate: false);
                global::RnnGen.Kernels.Dropout.AddApplied(_rnnScratch.Span.Slice(RnnLayout.RecurrentDropoutProduct, 8), ldx: 4, m, ldm: 4, dh.Slice(0, 8), ldy: 4, rows: 2, columns: 4, accumulate: true);
            }
            else
                global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(8, 8), lda: 4, _rnnPacked, dh.Slice(0, 8), ldc: 4, accumulate: true);
            // t = 0
            global::RnnGen.Cells.RnnCell.Backward(dh.Slice(0, 8), lddh: 4, h.Slice(0, 8), ldh: 4, batch: 2, hidden: 4, global::RnnGen.Nonlinearity.Tanh);
            if (_rnnDropping) // the product read h_(t-1)⊙m
            {
                global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(0, 8), lda: 4, _rnnPacked, _rnnScratch.Span.Slice(RnnLayout.RecurrentDropoutProduct, 8), ldc: 4, accumulate: false);
                global::RnnGen.Kernels.Dropout.AddApplied(_rnnScratch.Span.Slice(RnnLayout.RecurrentDropoutProduct, 8), ldx: 4, m, ldm: 4, dh0, ldy: 4, rows: 2, columns: 4, accumulate: false);
            }
            else
                global::RnnGen.Kernels.Gemm.NN(m: 2, dh.Slice(0, 8), lda: 4, _rnnPacked, dh0, ldc: 4, accumulate: false);
        }
