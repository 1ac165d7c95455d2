
        /// <summary>The forward pass over the loaded inputs (teacher forcing): every layer over all steps, then the head.</summary>
        private void RnnForwardCore()
        {
            // x_t = encoder.embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.EncoderEmbeddingWeight, 18), width: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, _rnnLanes.TotalRows), _rnnActivations.Span.Slice(RnnLayout.EncoderInputX, 24));
            RnnForwardEncoderL0();
            // The decoder starts from the encoder's final state, layer by layer.
            RnnSaveStateEncoder(_rnnActivations.Span.Slice(RnnLayout.DecoderInitialState, StateSize));
            RnnLoadAttentionMemory();
            // Input feeding: each decoder step reads the attentional state of the step before, so the decoder runs step by step.
            RnnForwardFedDecoder();
            RnnForwardHead(first: 0, count: OutputSteps);
            RnnSaveStateDecoder(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
            _rnnLogitsState = 0;
        }

        /// <summary>Backward through the attention on output steps [first, first + count): dL/dh̃ into dL/dh of the decoder's top layer, dL/dē, and the score's query gradient.</summary>
        private void RnnBackwardAttentionRows(int first, int count)
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = count * Batch, row = first * Batch;
            var h = a.Slice(RnnLayout.DecoderHiddenL0 + row * 3, rows * 3); // h_t of the decoder's top layer
            var memory = a.Slice(RnnLayout.AttentionMemory, 24); // ē, [Steps, Batch, 3]
            var weights = a.Slice(RnnLayout.AttentionWeights + row * Steps, rows * Steps); // a_t
            var state = a.Slice(RnnLayout.AttentionalState + row * 3, rows * 3); // h̃_t
            var du = s.Slice(RnnLayout.AttentionalGradient + row * 3, rows * 3); // dL/dh̃_t, then dL/du
            var dh = s.Slice(RnnLayout.DhDecoderL0 + row * 3, rows * 3); // dL/dh_t of the decoder's top layer (adds to what is there)
            var dc = s.Slice(RnnLayout.ContextGradient + row * 3, rows * 3); // dL/dc_t
            var da = s.Slice(RnnLayout.ScoreGradient + row * Steps, rows * Steps); // dL/da_t, then dL/de_t
            var dMemory = s.Slice(RnnLayout.MemoryGradient, 24); // dL/dē, [Steps, Batch, 3]
            var lengths = _rnnLanes.Lengths;
            // du = dh̃⊙(1 − h̃²);  dh += du·W_c[:, E:];  dc = du·W_c[:, :E]
            global::RnnGen.Attention.AttentionalState.Backward(state, du);
            global::RnnGen.Kernels.Gemm.NN(m: rows, n: 3, k: 3, du, lda: 3, p.Slice(RnnLayout.AttentionOutWeight + 3, 15), ldb: 6, dh, ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Gemm.NN(m: rows, n: 3, k: 3, du, lda: 3, p.Slice(RnnLayout.AttentionOutWeight, 18), ldb: 6, dc, ldc: 3, accumulate: false);
            // Per lane over its real source steps: da_t = dc_t·ēᵀ;  dē += aᵀ·dc.
            for (int lane = 0; lane < Batch; lane++)
            {
                int n = lengths[lane];
                if (n == 0) continue;
                global::RnnGen.Kernels.Gemm.NT(m: count, n: n, k: 3, dc.Slice(lane * 3), lda: Batch * 3, memory.Slice(lane * 3), ldb: Batch * 3, da.Slice(lane * Steps), ldc: Batch * Steps, accumulate: false);
                global::RnnGen.Kernels.Gemm.TN(m: n, n: 3, k: count, weights.Slice(lane * Steps), lda: Batch * Steps, dc.Slice(lane * 3), ldb: Batch * 3, dMemory.Slice(lane * 3), ldc: Batch * 3, accumulate: true);
            }
            // de = a⊙(da − Σ_s a_s·da_s) over the real source steps.
            global::RnnGen.Attention.MaskedSoftmax.Backward(weights, da, rows, Steps, lengths);
            // e_ts = q_t·ē_s with q_t = h_t·W_a:  dq_t = Σ_s de_ts·ē_s;  dē_s += Σ_t de_ts·q_t;  dh_t += dq_t·W_aᵀ (dW_a once every step is done).
            var q = a.Slice(RnnLayout.AttentionQuery + row * 3, rows * 3);
            var dq = dc; // dc is spent; dq of every step stays for dW_a
            dq.Clear();
            for (int lane = 0; lane < Batch; lane++)
            {
                int n = lengths[lane];
                if (n == 0) continue;
                global::RnnGen.Kernels.Gemm.NN(m: count, n: 3, k: n, da.Slice(lane * Steps), lda: Batch * Steps, memory.Slice(lane * 3), ldb: Batch * 3, dq.Slice(lane * 3), ldc: Batch * 3, accumulate: true);
                global::RnnGen.Kernels.Gemm.TN(m: n, n: 3, k: count, da.Slice(lane * Steps), lda: Batch * Steps, q.Slice(lane * 3), ldb: Batch * 3, dMemory.Slice(lane * 3), ldc: Batch * 3, accumulate: true);
            }
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 3, k: 3, dq, lda: 3, p.Slice(RnnLayout.AttentionGeneralWeight, 9), ldb: 3, dh, ldc: 3, accumulate: true);
        }

        /// <summary>The attention's weight gradients over every output step, once each step's backward has run.</summary>
        private void RnnBackwardAttentionWeights()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 18); // h_t of the decoder's top layer
            var du = s.Slice(RnnLayout.AttentionalGradient, 18); // dL/du of every step
            // dW_c += duᵀ·[c ; h]
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 6, du, lda: 3, a.Slice(RnnLayout.AttentionContext, 18), ldb: 3, g.Slice(RnnLayout.AttentionOutWeight, 18), ldc: 6, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 6, du, lda: 3, h, ldb: 3, g.Slice(RnnLayout.AttentionOutWeight + 3, 15), ldc: 6, accumulate: true);
            // dW_a += hᵀ·dq
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 6, h, lda: 3, s.Slice(RnnLayout.ContextGradient, 18), ldb: 3, g.Slice(RnnLayout.AttentionGeneralWeight, 9), ldc: 3, accumulate: true);
        }

        /// <summary>The decoder over the loaded targets, step by step: every layer at step t (the first also reads h̃_(t-1)), then the attention of step t.</summary>
        private void RnnForwardFedDecoder()
        {
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.DecoderBiasIhL0, 6), p.Slice(RnnLayout.DecoderBiasHhL0, 6), s.Slice(RnnLayout.BiasSumDecoderL0, 6));
            p.Slice(RnnLayout.DecoderBiasIhL0 + 6, 3).CopyTo(s.Slice(RnnLayout.BiasSumDecoderL0 + 6, 3));
            for (int t = 0; t < OutputSteps; t++)
            {
                RnnDecodeDecoderL0(t);
                RnnForwardAttention(first: t, count: 1);
            }
        }

        /// <summary>
        /// Backward through the fed decoder, step by step from the last: the attention of step t (dL/dh̃_t is complete once step t + 1 has sent
        /// back what h̃_t fed it), then every layer at step t from the top down; the weight gradients after the last step, one product each.
        /// </summary>
        private void RnnBackwardFedDecoder()
        {
            var s = _rnnScratch.Span;
            // Each layer's dh (and an LSTM's dc) gathers its parts as the steps go down: start from zero.
            s.Slice(RnnLayout.DhDecoderL0, 18).Clear();
            s.Slice(RnnLayout.MemoryGradient, 24).Clear();
            for (int t = OutputSteps - 1; t >= 0; t--)
            {
                RnnBackwardAttentionRows(first: t, count: 1);
                RnnBackwardFedDecoderL0(t);
            }
            RnnBackwardAttentionWeights();
            RnnBackwardFedDecoderL0Weights();
        }

        /// <summary>Backward through decoder layer 0 (GRU, 3 units) at step t.</summary>
        private void RnnBackwardFedDecoderL0(int t)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.DecoderWeightHhL0, 27);
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 18); // h_t, [OutputSteps, Batch, 3]
            var dh = s.Slice(RnnLayout.DhDecoderL0, 18); // dL/dh_t, [OutputSteps, Batch, 3]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 6); // h before the first step
            var gates = a.Slice(RnnLayout.GatesDecoderL0, 54); // [OutputSteps, Batch, 3·3]
            var hn = a.Slice(RnnLayout.RecurrentNDecoderL0, 18); // [OutputSteps, Batch, 3]
            var dh0 = s.Slice(RnnLayout.DecoderInitialStateGradient + RnnLayout.StateHDecoderL0, 6); // dL/dh0: the encoder's gradient at its last step
            // dn = dh_t⊙(1−z)⊙(1−n²);  dz = dh_t⊙(h_(t-1) − n)⊙z(1−z);  dr = dn⊙hn⊙r(1−r)   (hn = h_(t-1)·W_hnᵀ + b_hn)
            // (r z n) are overwritten in place by (dr dz dn⊙r), hn by dn
            // dh_(t-1) += dh_t⊙z + [dr dz dn⊙r]·W_hh
            if (t > 0)
            {
                global::RnnGen.Cells.GruCell.Backward(gates.Slice(t * 18, 18), hn.Slice(t * 6, 6), h.Slice((t - 1) * 6, 6), ldPrev: 3, dh.Slice(t * 6, 6), lddh: 3, dh.Slice((t - 1) * 6, 6), ldDhPrev: 3, batch: 2, hidden: 3);
                global::RnnGen.Kernels.Gemm.NN(m: 2, n: 3, k: 9, gates.Slice(t * 18, 18), lda: 9, wHh, ldb: 3, dh.Slice((t - 1) * 6, 6), ldc: 3, accumulate: true);
            }
            else
            {
                dh0.Clear();
                global::RnnGen.Cells.GruCell.Backward(gates.Slice(t * 18, 18), hn.Slice(t * 6, 6), h0, ldPrev: 3, dh.Slice(t * 6, 6), lddh: 3, dh0, ldDhPrev: 3, batch: 2, hidden: 3);
                global::RnnGen.Kernels.Gemm.NN(m: 2, n: 3, k: 9, gates.Slice(t * 18, 18), lda: 9, wHh, ldb: 3, dh0, ldc: 3, accumulate: true);
            }
            // Input feeding: dL/dh̃_(t-1) += dgates_t·W_f.
            if (t > 0)
            {
                global::RnnGen.Kernels.Gemm.NN(m: 2, n: 3, k: 6, a.Slice(RnnLayout.GatesDecoderL0, 51).Slice(t * 18), lda: 9, p.Slice(RnnLayout.AttentionFeedWeight, 18), ldb: 3, s.Slice(RnnLayout.AttentionalGradient + (t - 1) * 6, 6), ldc: 3, accumulate: true);
                global::RnnGen.Kernels.Gemm.NN(m: 2, n: 3, k: 3, a.Slice(RnnLayout.RecurrentNDecoderL0, 18).Slice(t * 6), lda: 3, p.Slice(RnnLayout.AttentionFeedWeight + 18, 9), ldb: 3, s.Slice(RnnLayout.AttentionalGradient + (t - 1) * 6, 6), ldc: 3, accumulate: true);
            }
        }

        /// <summary>Weight gradients of decoder layer 0, summed over every step by one product each, once every step's backward has run.</summary>
        private void RnnBackwardFedDecoderL0Weights()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Weight gradients, summed over all 3 steps by one product each (OutputSteps·Batch = 6 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t  (GRU: W_hh, b_hh take [dr, dz, dn⊙r]; W_ih, b_ih take [dr, dz, dn])
            global::RnnGen.Kernels.Gemm.TN(m: 6, n: 3, k: 6, a.Slice(RnnLayout.GatesDecoderL0, 51), lda: 9, a.Slice(RnnLayout.DecoderInputX, 18), ldb: 3, g.Slice(RnnLayout.DecoderWeightIhL0, 18), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesDecoderL0, 51), rows: 6, n: 6, ldy: 9, g.Slice(RnnLayout.DecoderBiasIhL0, 6));
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 6, a.Slice(RnnLayout.RecurrentNDecoderL0, 18), lda: 3, a.Slice(RnnLayout.DecoderInputX, 18), ldb: 3, g.Slice(RnnLayout.DecoderWeightIhL0 + 18, 9), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.RecurrentNDecoderL0, 18), rows: 6, n: 3, ldy: 3, g.Slice(RnnLayout.DecoderBiasIhL0 + 6, 3));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 9, n: 3, k: 2, a.Slice(RnnLayout.GatesDecoderL0, 18), lda: 9, _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 6), ldb: 3, g.Slice(RnnLayout.DecoderWeightHhL0, 27), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 9, n: 3, k: 4, a.Slice(RnnLayout.GatesDecoderL0 + 18, 36), lda: 9, a.Slice(RnnLayout.DecoderHiddenL0, 12), ldb: 3, g.Slice(RnnLayout.DecoderWeightHhL0, 27), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesDecoderL0, 54), rows: 6, n: 9, ldy: 9, g.Slice(RnnLayout.DecoderBiasHhL0, 9));
            //   dW_f += Σ_(t>0) dgates_tᵀ·h̃_(t-1): the rows of steps 1… pair with h̃ one step earlier.
            global::RnnGen.Kernels.Gemm.TN(m: 6, n: 3, k: 4, a.Slice(RnnLayout.GatesDecoderL0, 51).Slice(18), lda: 9, a.Slice(RnnLayout.AttentionalState, 18), ldb: 3, g.Slice(RnnLayout.AttentionFeedWeight, 18), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 4, a.Slice(RnnLayout.RecurrentNDecoderL0, 18).Slice(6), lda: 3, a.Slice(RnnLayout.AttentionalState, 18), ldb: 3, g.Slice(RnnLayout.AttentionFeedWeight + 18, 9), ldc: 3, accumulate: true);
            // dL/dx_t = dgates_t·W_ih for every step, then the embedding's gradient.
            global::RnnGen.Kernels.Gemm.NN(m: 6, n: 3, k: 6, a.Slice(RnnLayout.GatesDecoderL0, 51), lda: 9, p.Slice(RnnLayout.DecoderWeightIhL0, 18), ldb: 3, s.Slice(RnnLayout.DxDecoder, 18), ldc: 3, accumulate: false);
            global::RnnGen.Kernels.Gemm.NN(m: 6, n: 3, k: 3, a.Slice(RnnLayout.RecurrentNDecoderL0, 18), lda: 3, p.Slice(RnnLayout.DecoderWeightIhL0 + 18, 9), ldb: 3, s.Slice(RnnLayout.DxDecoder, 18), ldc: 3, accumulate: true);
            global::RnnGen.Inputs.Embedding.AccumulateGradient(s.Slice(RnnLayout.DxDecoder, 18), ldx: 3, _rnnDecoderTokens, g.Slice(RnnLayout.DecoderEmbeddingWeight, 18), width: 3);
        }

        /// <summary>Decoder layer 0 at step t of free-running inference.</summary>
        private void RnnDecodeDecoderL0(int t)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.DecoderWeightHhL0, 27);
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 18); // h_t, [OutputSteps, Batch, 3]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 6); // h before the first step
            var gates = a.Slice(RnnLayout.GatesDecoderL0, 54); // [OutputSteps, Batch, 3·3]
            var hn = a.Slice(RnnLayout.RecurrentNDecoderL0, 18); // h_(t-1)·W_hnᵀ + b_hn, [OutputSteps, Batch, 3]
            var gh = _rnnScratch.Span.Slice(RnnLayout.GruRecurrent, 18); // h_(t-1)·W_hhᵀ of the current step
            var bHn = p.Slice(RnnLayout.DecoderBiasHhL0 + 6, 3);
            // r = σ(x·W_irᵀ + b_ir + h_(t-1)·W_hrᵀ + b_hr);  z = σ(x·W_izᵀ + b_iz + h_(t-1)·W_hzᵀ + b_hz)
            // n = tanh(x·W_inᵀ + b_in + r⊙(h_(t-1)·W_hnᵀ + b_hn))
            // h_t = (1−z)⊙n + z⊙h_(t-1)
            var s = _rnnScratch.Span;
            // x_t·W_ihᵀ + biases for the rows of step t.
            // x_t = decoder.embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.DecoderEmbeddingWeight, 18), width: 3, global::System.MemoryExtensions.AsSpan(_rnnDecoderTokens, t * Batch, 2), _rnnActivations.Span.Slice(RnnLayout.DecoderInputX + t * Batch * 3, 6));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesDecoderL0 + t * 18, 18), rows: 2, n: 9, ldc: 9, s.Slice(RnnLayout.BiasSumDecoderL0, 9));
            global::RnnGen.Kernels.Gemm.NT(m: 2, n: 9, k: 3, a.Slice(RnnLayout.DecoderInputX + t * 6, 6), lda: 3, p.Slice(RnnLayout.DecoderWeightIhL0, 27), ldb: 3, a.Slice(RnnLayout.GatesDecoderL0 + t * 18, 18), ldc: 9, accumulate: true);
            // Input feeding: x'_t = [x_t ; h̃_(t-1)], so the gates also take h̃_(t-1)·W_fᵀ (h̃_(-1) = 0).
            if (t > 0) global::RnnGen.Kernels.Gemm.NT(m: 2, n: 9, k: 3, a.Slice(RnnLayout.AttentionalState + (t - 1) * 6, 6), lda: 3, p.Slice(RnnLayout.AttentionFeedWeight, 27), ldb: 3, a.Slice(RnnLayout.GatesDecoderL0 + t * 18, 18), ldc: 9, accumulate: true);
            // The recurrence at step t (h_(t-1) is h0 at t = 0).
            var hPrev = t == 0 ? h0 : h.Slice((t - 1) * 6, 6);
            RnnUnpackedRecurrentProduct(matrix: 1, m: 2, n: 9, k: 3, hPrev, lda: 3, wHh, gh, ldc: 9, accumulate: false);
            global::RnnGen.Cells.GruCell.Forward(gates.Slice(t * 18, 18), gh, bHn, hn.Slice(t * 6, 6), hPrev, ldPrev: 3, h.Slice(t * 6, 6), ldh: 3, batch: 2, hidden: 3);
        }

        /// <summary>Decoder layer 0 at one decoder step for a chunk of rows (at most Batch).</summary>
        private void RnnDecoderStepDecoderL0(int rows)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.DecoderWeightHhL0, 27);
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 18); // h_t, [OutputSteps, Batch, 3]
            var gates = a.Slice(RnnLayout.GatesDecoderL0, 54); // [OutputSteps, Batch, 3·3]
            var hn = a.Slice(RnnLayout.RecurrentNDecoderL0, 18); // h_(t-1)·W_hnᵀ + b_hn, [OutputSteps, Batch, 3]
            var gh = _rnnScratch.Span.Slice(RnnLayout.GruRecurrent, 18); // h_(t-1)·W_hhᵀ of the current step
            var bHn = p.Slice(RnnLayout.DecoderBiasHhL0 + 6, 3);
            // r = σ(x·W_irᵀ + b_ir + h_(t-1)·W_hrᵀ + b_hr);  z = σ(x·W_izᵀ + b_iz + h_(t-1)·W_hzᵀ + b_hz)
            // n = tanh(x·W_inᵀ + b_in + r⊙(h_(t-1)·W_hnᵀ + b_hn))
            // h_t = (1−z)⊙n + z⊙h_(t-1)
            var s = _rnnScratch.Span;
            // x·W_ihᵀ + biases for the chunk's rows.
            // x = decoder.embedding.weight[token].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.DecoderEmbeddingWeight, 18), width: 3, global::System.MemoryExtensions.AsSpan(_rnnDecoderTokens, 0, rows), _rnnActivations.Span.Slice(RnnLayout.DecoderInputX, rows * 3));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesDecoderL0, (rows - 1) * 9 + 9), rows: rows, n: 9, ldc: 9, s.Slice(RnnLayout.BiasSumDecoderL0, 9));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 9, k: 3, a.Slice(RnnLayout.DecoderInputX, rows * 3), lda: 3, p.Slice(RnnLayout.DecoderWeightIhL0, 27), ldb: 3, a.Slice(RnnLayout.GatesDecoderL0, (rows - 1) * 9 + 9), ldc: 9, accumulate: true);
            // Input feeding: the gates also take the rows' h̃_(t-1)·W_fᵀ.
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 9, k: 3, s.Slice(RnnLayout.StepFeed, rows * 3), lda: 3, p.Slice(RnnLayout.AttentionFeedWeight, 27), ldb: 3, a.Slice(RnnLayout.GatesDecoderL0, (rows - 1) * 9 + 9), ldc: 9, accumulate: true);
            // The recurrence from the rows' own h_(t-1) (and c_(t-1)).
            var hPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateHDecoderL0, rows * 3);
            RnnUnpackedRecurrentProduct(matrix: 1, m: rows, n: 9, k: 3, hPrev, lda: 3, wHh, gh, ldc: 9, accumulate: false);
            global::RnnGen.Cells.GruCell.Forward(gates.Slice(0, rows * 9), gh, bHn, hn.Slice(0, rows * 3), hPrev, ldPrev: 3, h.Slice(0, rows * 3), ldh: 3, batch: rows, hidden: 3);
        }
