
        /// <summary>
        /// The attention weights of the last forward pass (teacher-forced or free-running), [OutputSteps, Batch, Steps]: a[t, b, s] is how much
        /// output step t of lane b looked at source step s; each row sums to 1 over the lane's source length and is 0 past it.
        /// A <c>DecoderStep</c> uses the rows of step 0 as its workspace, so after one they hold that step's rows' weights.
        /// </summary>
        public global::System.ReadOnlySpan<float> AttentionWeights => _rnnActivations.Span.Slice(RnnLayout.AttentionWeights, 24);

        /// <summary>The forward pass over the loaded inputs (teacher forcing): every layer over all steps, then the head.</summary>
        private void RnnForwardCore()
        {
            // x_t = encoder.embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.EncoderEmbeddingWeight, 18), width: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, _rnnLanes.TotalRows), _rnnActivations.Span.Slice(RnnLayout.EncoderInputX, 24));
            RnnForwardEncoderL0();
            // The decoder starts from the encoder's final state, layer by layer.
            RnnSaveStateEncoder(_rnnActivations.Span.Slice(RnnLayout.EncoderFinalState, StateSize));
            RnnBridgeState();
            RnnLoadAttentionMemory();
            // x_t = decoder.embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.DecoderEmbeddingWeight, 18), width: 3, _rnnDecoderTokens, _rnnActivations.Span.Slice(RnnLayout.DecoderInputX, 18));
            RnnForwardDecoderL0();
            RnnForwardAttention(first: 0, count: OutputSteps);
            RnnForwardHead(first: 0, count: OutputSteps);
            RnnSaveStateDecoder(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
            _rnnLogitsState = 0;
        }

        /// <summary>
        /// The decoder's initial state from the encoder's final state: a bidirectional encoder layer's h (and c) of both directions,
        /// side by side per lane ([forward ; reverse], the decoder layer is twice as wide); a one-way layer's as it is.
        /// </summary>
        private void RnnBridgeState()
        {
            var a = _rnnActivations.Span;
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.EncoderFinalState + RnnLayout.StateHEncoderL0, 6), ldSource: 3, a.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 12), ldTarget: 6, rows: 2, cols: 3);
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.EncoderFinalState + RnnLayout.StateCEncoderL0, 6), ldSource: 3, a.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateCDecoderL0, 12), ldTarget: 6, rows: 2, cols: 3);
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.EncoderFinalState + RnnLayout.StateHEncoderL0Reverse, 6), ldSource: 3, a.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0 + 3, 9), ldTarget: 6, rows: 2, cols: 3);
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.EncoderFinalState + RnnLayout.StateCEncoderL0Reverse, 6), ldSource: 3, a.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateCDecoderL0 + 3, 9), ldTarget: 6, rows: 2, cols: 3);
        }

        /// <summary>dL/d(the encoder's final state): the decoder's initial-state gradient split back into the directions.</summary>
        private void RnnBridgeStateBackward()
        {
            var s = _rnnScratch.Span;
            RnnSplitState(s.Slice(RnnLayout.DecoderInitialStateGradient, StateSize), s.Slice(RnnLayout.EncoderFinalStateGradient, StateSize));
        }

        /// <summary>The encoder's top outputs as attention reads them, ē [Steps, Batch, E] in the caller's lane order (0 at padded steps), and the additive score's keys k_s = ē_s·W_kᵀ.</summary>
        private void RnnLoadAttentionMemory()
        {
            var a = _rnnActivations.Span;
            _rnnLanes.UnpackRows(a.Slice(RnnLayout.EncoderHiddenL0, 48), width: 6, a.Slice(RnnLayout.AttentionMemory, 48));
            var p = _rnnParameters.Span;
            global::RnnGen.Kernels.Gemm.NT(m: 8, n: 6, k: 6, a.Slice(RnnLayout.AttentionMemory, 48), lda: 6, p.Slice(RnnLayout.AttentionKeyWeight, 36), ldb: 6, a.Slice(RnnLayout.AttentionKeys, 48), ldc: 6, accumulate: false);
        }

        /// <summary>
        /// Attention (additive) on output steps [first, first + count): the decoder's top h_t looks at the encoder's outputs ē_s of its lane's real
        /// source steps, and the head will read the attentional state h̃_t.
        /// </summary>
        private void RnnForwardAttention(int first, int count)
        {
            //   e_ts = v·tanh(h_t·W_qᵀ + b_q + ē_s·W_kᵀ)   (s < the lane's source length)
            //   a_t = softmax(e_t) over those steps;  c_t = Σ_s a_ts·ē_s;  h̃_t = tanh(W_c·[c_t ; h_t])
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            int rows = count * Batch, row = first * Batch;
            var h = a.Slice(RnnLayout.DecoderHiddenL0 + row * 6, rows * 6); // h_t of the decoder's top layer, [rows, 6]
            var memory = a.Slice(RnnLayout.AttentionMemory, 48); // ē, [Steps, Batch, 6]
            var weights = a.Slice(RnnLayout.AttentionWeights + row * Steps, rows * Steps); // e_t, then a_t, [rows, Steps]
            var context = a.Slice(RnnLayout.AttentionContext + row * 6, rows * 6); // c_t, [rows, 6]
            var state = a.Slice(RnnLayout.AttentionalState + row * 6, rows * 6); // h̃_t, [rows, 6]
            var lengths = _rnnLanes.Lengths; // each lane's source length
            var q = a.Slice(RnnLayout.AttentionQuery + row * 6, rows * 6); // q_t = h_t·W_qᵀ + b_q, [rows, 6]
            global::RnnGen.Kernels.Bias.Broadcast(q, rows: rows, n: 6, ldc: 6, p.Slice(RnnLayout.AttentionQueryBias, 6));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 6, k: 6, h, lda: 6, p.Slice(RnnLayout.AttentionQueryWeight, 36), ldb: 6, q, ldc: 6, accumulate: true);
            // e_ts = v·tanh(q_t + k_s) for each lane's real source steps.
            global::RnnGen.Attention.AdditiveScore.Forward(q, a.Slice(RnnLayout.AttentionKeys, 48), p.Slice(RnnLayout.AttentionV, 6), weights, rows, Steps, width: 6, lengths);
            // a_t = softmax(e_t) over the lane's real source steps (0 past them).
            global::RnnGen.Attention.MaskedSoftmax.Forward(weights, rows, Steps, lengths);
            // c_t = Σ_s a_ts·ē_s: one product per lane over its real source steps (a lane without any has c_t = 0).
            context.Clear();
            for (int lane = 0; lane < Batch; lane++)
            {
                int n = lengths[lane];
                if (n == 0) continue;
                global::RnnGen.Kernels.Gemm.NN(m: count, n: 6, k: n, weights.Slice(lane * Steps), lda: Batch * Steps, memory.Slice(lane * 6), ldb: Batch * 6, context.Slice(lane * 6), ldc: Batch * 6, accumulate: true);
            }
            // h̃_t = tanh(c_t·W_c[:, :E]ᵀ + h_t·W_c[:, E:]ᵀ).
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 6, k: 6, context, lda: 6, p.Slice(RnnLayout.AttentionOutWeight, 72), ldb: 12, state, ldc: 6, accumulate: false);
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 6, k: 6, h, lda: 6, p.Slice(RnnLayout.AttentionOutWeight + 6, 66), ldb: 12, state, ldc: 6, accumulate: true);
            global::RnnGen.Attention.AttentionalState.Forward(state);
        }

        /// <summary>Backward through the attention over every output step: dL/dh̃ (from the head) into dL/dh of the decoder's top layer, dL/dē and the attention's weight gradients.</summary>
        private void RnnBackwardAttention()
        {
            var s = _rnnScratch.Span;
            // dh of the top layer, dē (and the additive score's dk) gather their parts: start from zero.
            s.Slice(RnnLayout.DhDecoderL0, 36).Clear();
            s.Slice(RnnLayout.MemoryGradient, 48).Clear();
            s.Slice(RnnLayout.KeyGradient, 48).Clear();
            RnnBackwardAttentionRows(first: 0, count: OutputSteps);
            RnnBackwardAttentionWeights();
        }

        /// <summary>Backward through the attention on output steps [first, first + count): dL/dh̃ into dL/dh of the decoder's top layer, dL/dē, and the score's query gradient.</summary>
        private void RnnBackwardAttentionRows(int first, int count)
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = count * Batch, row = first * Batch;
            var h = a.Slice(RnnLayout.DecoderHiddenL0 + row * 6, rows * 6); // h_t of the decoder's top layer
            var memory = a.Slice(RnnLayout.AttentionMemory, 48); // ē, [Steps, Batch, 6]
            var weights = a.Slice(RnnLayout.AttentionWeights + row * Steps, rows * Steps); // a_t
            var state = a.Slice(RnnLayout.AttentionalState + row * 6, rows * 6); // h̃_t
            var du = s.Slice(RnnLayout.AttentionalGradient + row * 6, rows * 6); // dL/dh̃_t, then dL/du
            var dh = s.Slice(RnnLayout.DhDecoderL0 + row * 6, rows * 6); // dL/dh_t of the decoder's top layer (adds to what is there)
            var dc = s.Slice(RnnLayout.ContextGradient + row * 6, rows * 6); // dL/dc_t
            var da = s.Slice(RnnLayout.ScoreGradient + row * Steps, rows * Steps); // dL/da_t, then dL/de_t
            var dMemory = s.Slice(RnnLayout.MemoryGradient, 48); // dL/dē, [Steps, Batch, 6]
            var lengths = _rnnLanes.Lengths;
            // du = dh̃⊙(1 − h̃²);  dh += du·W_c[:, E:];  dc = du·W_c[:, :E]
            global::RnnGen.Attention.AttentionalState.Backward(state, du);
            global::RnnGen.Kernels.Gemm.NN(m: rows, n: 6, k: 6, du, lda: 6, p.Slice(RnnLayout.AttentionOutWeight + 6, 66), ldb: 12, dh, ldc: 6, accumulate: true);
            global::RnnGen.Kernels.Gemm.NN(m: rows, n: 6, k: 6, du, lda: 6, p.Slice(RnnLayout.AttentionOutWeight, 72), ldb: 12, dc, ldc: 6, accumulate: false);
            // Per lane over its real source steps: da_t = dc_t·ēᵀ;  dē += aᵀ·dc.
            for (int lane = 0; lane < Batch; lane++)
            {
                int n = lengths[lane];
                if (n == 0) continue;
                global::RnnGen.Kernels.Gemm.NT(m: count, n: n, k: 6, dc.Slice(lane * 6), lda: Batch * 6, memory.Slice(lane * 6), ldb: Batch * 6, da.Slice(lane * Steps), ldc: Batch * Steps, accumulate: false);
                global::RnnGen.Kernels.Gemm.TN(m: n, n: 6, k: count, weights.Slice(lane * Steps), lda: Batch * Steps, dc.Slice(lane * 6), ldb: Batch * 6, dMemory.Slice(lane * 6), ldc: Batch * 6, accumulate: true);
            }
            // de = a⊙(da − Σ_s a_s·da_s) over the real source steps.
            global::RnnGen.Attention.MaskedSoftmax.Backward(weights, da, rows, Steps, lengths);
            // e_ts = v·tanh(q_t + k_s):  dv, dq_t and dk_s from each score's gradient (tanh recomputed);  dh_t += dq_t·W_q (the rest once every step is done).
            var q = a.Slice(RnnLayout.AttentionQuery + row * 6, rows * 6);
            var dq = s.Slice(RnnLayout.QueryGradient + row * 6, rows * 6);
            dq.Clear();
            global::RnnGen.Attention.AdditiveScore.Backward(q, a.Slice(RnnLayout.AttentionKeys, 48), p.Slice(RnnLayout.AttentionV, 6), da, dq, s.Slice(RnnLayout.KeyGradient, 48), g.Slice(RnnLayout.AttentionV, 6), rows, Steps, width: 6, lengths);
            global::RnnGen.Kernels.Gemm.NN(m: rows, n: 6, k: 6, dq, lda: 6, p.Slice(RnnLayout.AttentionQueryWeight, 36), ldb: 6, dh, ldc: 6, accumulate: true);
        }

        /// <summary>The attention's weight gradients over every output step, once each step's backward has run.</summary>
        private void RnnBackwardAttentionWeights()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 36); // h_t of the decoder's top layer
            var du = s.Slice(RnnLayout.AttentionalGradient, 36); // dL/du of every step
            // dW_c += duᵀ·[c ; h]
            global::RnnGen.Kernels.Gemm.TN(m: 6, n: 6, k: 6, du, lda: 6, a.Slice(RnnLayout.AttentionContext, 36), ldb: 6, g.Slice(RnnLayout.AttentionOutWeight, 72), ldc: 12, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 6, n: 6, k: 6, du, lda: 6, h, ldb: 6, g.Slice(RnnLayout.AttentionOutWeight + 6, 66), ldc: 12, accumulate: true);
            // dW_q += dqᵀ·h;  db_q += Σ dq;  dW_k += dkᵀ·ē;  dē += dk·W_k
            global::RnnGen.Kernels.Gemm.TN(m: 6, n: 6, k: 6, s.Slice(RnnLayout.QueryGradient, 36), lda: 6, h, ldb: 6, g.Slice(RnnLayout.AttentionQueryWeight, 36), ldc: 6, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(s.Slice(RnnLayout.QueryGradient, 36), rows: 6, n: 6, ldy: 6, g.Slice(RnnLayout.AttentionQueryBias, 6));
            global::RnnGen.Kernels.Gemm.TN(m: 6, n: 6, k: 8, s.Slice(RnnLayout.KeyGradient, 48), lda: 6, a.Slice(RnnLayout.AttentionMemory, 48), ldb: 6, g.Slice(RnnLayout.AttentionKeyWeight, 36), ldc: 6, accumulate: true);
            global::RnnGen.Kernels.Gemm.NN(m: 8, n: 6, k: 6, s.Slice(RnnLayout.KeyGradient, 48), lda: 6, p.Slice(RnnLayout.AttentionKeyWeight, 36), ldb: 6, s.Slice(RnnLayout.MemoryGradient, 48), ldc: 6, accumulate: true);
        }

        /// <summary>Backpropagation through time from dL/dz of the head (in the Dz scratch): the head's weights, then every layer from the top down.</summary>
        private void RnnBackwardFromDz()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var dz = s.Slice(RnnLayout.Dz, 30); // dL/dz, [OutputSteps, Batch, 5]
            // dW_head += dzᵀ·h and db_head += Σ dz, over all output rows at once.
            global::RnnGen.Kernels.Gemm.TN(m: 5, n: 6, k: 6, dz, lda: 5, a.Slice(RnnLayout.AttentionalState, 36), ldb: 6, g.Slice(RnnLayout.HeadWeight, 30), ldc: 6, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(dz, rows: 6, n: 5, ldy: 5, g.Slice(RnnLayout.HeadBias, 5));
            // dh̃ of the attentional state at every step: dz·W_head; the attention turns it into dh of the top layer.
            global::RnnGen.Kernels.Gemm.NN(m: 6, n: 6, k: 5, dz, lda: 5, p.Slice(RnnLayout.HeadWeight, 30), ldb: 6, s.Slice(RnnLayout.AttentionalGradient, 36), ldc: 6, accumulate: false);
            RnnBackwardAttention();
            RnnBackwardDecoderL0();
            RnnBridgeStateBackward();
            RnnBackwardEncoderL0();
            _rnnPhase = 2;
        }

        /// <summary>Backpropagation through time for encoder layer 0 (LSTM, 3 units), then its weight gradients.</summary>
        private void RnnBackwardEncoderL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // The encoder's top layer feeds the attention (dL/dē at every real step) and, through its final state, the decoder.
            _rnnLanes.PackRows(s.Slice(RnnLayout.MemoryGradient, 48), width: 6, s.Slice(RnnLayout.DhEncoderL0, 48));
            _rnnLanes.ScatterLast(s.Slice(RnnLayout.EncoderFinalStateGradient + RnnLayout.StateHEncoderL0, 6), s.Slice(RnnLayout.DhEncoderL0, 48), ld: 6, column: 0, width: 3, add: true);
            _rnnLanes.ScatterLast(s.Slice(RnnLayout.EncoderFinalStateGradient + RnnLayout.StateHEncoderL0Reverse, 6), s.Slice(RnnLayout.DhEncoderL0, 48), ld: 6, column: 3, width: 3, reverse: true, add: true);
            // dL/dc after the last step is what the decoder's first step sent back.
            _rnnLanes.SortLanes(s.Slice(RnnLayout.EncoderFinalStateGradient + RnnLayout.StateCEncoderL0, 6), width: 3, s.Slice(RnnLayout.Dc, 6));
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.EncoderWeightHhL0, 36), k: 12, n: 3, ldb: 3);
            RnnBackwardEncoderL0Steps3To0();
            // dL/dc after the last step is what the decoder's first step sent back.
            _rnnLanes.SortLanes(s.Slice(RnnLayout.EncoderFinalStateGradient + RnnLayout.StateCEncoderL0Reverse, 6), width: 3, s.Slice(RnnLayout.Dc, 6));
            // Steps in reverse (reverse): each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.EncoderWeightHhL0Reverse, 36), k: 12, n: 3, ldb: 3);
            RnnBackwardEncoderL0ReverseSteps0To3();
            // Weight gradients, summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 12, n: 3, k: rows, a.Slice(RnnLayout.GatesEncoderL0, rows * 12), lda: 12, a.Slice(RnnLayout.EncoderInputX, 24), ldb: 3, g.Slice(RnnLayout.EncoderWeightIhL0, 36), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesEncoderL0, rows * 12), rows: rows, n: 12, ldy: 12, g.Slice(RnnLayout.EncoderBiasIhL0, 12));
            //   dW_hh: the gates of the first step pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[0]; // rows of step 0, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 12, n: 3, k: firstRows, a.Slice(RnnLayout.GatesEncoderL0, firstRows * 12), lda: 12, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHEncoderL0, 6), ldb: 3, g.Slice(RnnLayout.EncoderWeightHhL0, 36), ldc: 3, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.EncoderHiddenL0, 48), ld: 6, column: 0, width: 3, reverse: false, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHEncoderL0, 6), s.Slice(RnnLayout.PreviousRows, 24));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 12, n: 3, k: rows - firstRows, a.Slice(RnnLayout.GatesEncoderL0 + firstRows * 12, (rows - firstRows) * 12), lda: 12, s.Slice(RnnLayout.PreviousRows + firstRows * 3, (rows - firstRows) * 3), ldb: 3, g.Slice(RnnLayout.EncoderWeightHhL0, 36), ldc: 3, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesEncoderL0, rows * 12), rows: rows, n: 12, ldy: 12, g.Slice(RnnLayout.EncoderBiasHhL0, 12));
            // Weight gradients (reverse), summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            global::RnnGen.Kernels.Gemm.TN(m: 12, n: 3, k: rows, a.Slice(RnnLayout.GatesEncoderL0Reverse, rows * 12), lda: 12, a.Slice(RnnLayout.EncoderInputX, 24), ldb: 3, g.Slice(RnnLayout.EncoderWeightIhL0Reverse, 36), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesEncoderL0Reverse, rows * 12), rows: rows, n: 12, ldy: 12, g.Slice(RnnLayout.EncoderBiasIhL0Reverse, 12));
            //   dW_hh: the gates of the first step (reverse) pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[3]; // rows of step 3, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 12, n: 3, k: firstRows, a.Slice(RnnLayout.GatesEncoderL0Reverse + _rnnLanes.Start[3] * 12, firstRows * 12), lda: 12, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHEncoderL0Reverse, 6), ldb: 3, g.Slice(RnnLayout.EncoderWeightHhL0Reverse, 36), ldc: 3, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.EncoderHiddenL0, 48), ld: 6, column: 3, width: 3, reverse: true, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHEncoderL0Reverse, 6), s.Slice(RnnLayout.PreviousRows, 24));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 12, n: 3, k: rows - firstRows, a.Slice(RnnLayout.GatesEncoderL0Reverse, (rows - firstRows) * 12), lda: 12, s.Slice(RnnLayout.PreviousRows, (rows - firstRows) * 3), ldb: 3, g.Slice(RnnLayout.EncoderWeightHhL0Reverse, 36), ldc: 3, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesEncoderL0Reverse, rows * 12), rows: rows, n: 12, ldy: 12, g.Slice(RnnLayout.EncoderBiasHhL0Reverse, 12));
            // dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of the input x, for all steps at once.
            global::RnnGen.Kernels.Gemm.NN(m: rows, n: 3, k: 12, a.Slice(RnnLayout.GatesEncoderL0, rows * 12), lda: 12, p.Slice(RnnLayout.EncoderWeightIhL0, 36), ldb: 3, s.Slice(RnnLayout.DxEncoder, rows * 3), ldc: 3, accumulate: false);
            global::RnnGen.Kernels.Gemm.NN(m: rows, n: 3, k: 12, a.Slice(RnnLayout.GatesEncoderL0Reverse, rows * 12), lda: 12, p.Slice(RnnLayout.EncoderWeightIhL0Reverse, 36), ldb: 3, s.Slice(RnnLayout.DxEncoder, rows * 3), ldc: 3, accumulate: true);
            // d(encoder.embedding.weight)[token_t] += dL/dx_t.
            global::RnnGen.Inputs.Embedding.AccumulateGradient(s.Slice(RnnLayout.DxEncoder, rows * 3), ldx: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, _rnnLanes.TotalRows), g.Slice(RnnLayout.EncoderEmbeddingWeight, 18), width: 3);
        }
