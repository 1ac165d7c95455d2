
        /// <summary>Teacher forcing: step t > 0 of the decoder reads the target of step t − 1.</summary>
        private void RnnLoadTeacher(global::System.ReadOnlySpan<int> targets)
        {
            global::System.Array.Fill(_rnnDecoderTokens, StartToken, 0, Batch); // token_0 = the start token
            targets.Slice(0, 2).CopyTo(global::System.MemoryExtensions.AsSpan(_rnnDecoderTokens, start: Batch));
            // Targets past a lane's length are not validated: the inputs made of them become token 0, a valid id that reaches no loss.
            if (!_rnnTargetLanes.Full) _rnnTargetLanes.FillPast(global::System.MemoryExtensions.AsSpan(_rnnDecoderTokens), width: 1, shift: 1, value: 0);
        }

        /// <summary>Free-running inference: every step reads the previous step's chosen token.</summary>
        private void RnnDecode(float temperature, global::RnnGen.Randomness.Xoshiro256StarStar? random, int topK, float topP)
        {
            // The encoder reads the whole input at once, as in training.
            RnnForwardEncoderL0();
            RnnSaveStateEncoder(_rnnActivations.Span.Slice(RnnLayout.DecoderInitialState, StateSize));
            global::System.Array.Fill(_rnnDecoderTokens, StartToken, 0, Batch); // token_0 = the start token
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.DecoderBiasIhL0, 6), p.Slice(RnnLayout.DecoderBiasHhL0, 6), s.Slice(RnnLayout.BiasSumDecoderL0, 6));
            p.Slice(RnnLayout.DecoderBiasIhL0 + 6, 3).CopyTo(s.Slice(RnnLayout.BiasSumDecoderL0 + 6, 3));
            // W_ih transposed once: each step's one-hot projection is a row of W_ihᵀ.
            global::RnnGen.Kernels.Matrix.Transpose(p.Slice(RnnLayout.DecoderWeightIhL0, 45), rows: 9, cols: 5, s.Slice(RnnLayout.OneHotWeights, 45));
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

        /// <summary>Decoder layer 0 at step t of free-running inference.</summary>
        private void RnnDecodeDecoderL0(int t)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.DecoderWeightHhL0, 27);
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 12); // h_t, [OutputSteps, Batch, 3]
            var h0 = _rnnActivations.Span.Slice(RnnLayout.DecoderInitialState + RnnLayout.StateHDecoderL0, 6); // h before the first step
            var gates = a.Slice(RnnLayout.GatesDecoderL0, 36); // [OutputSteps, Batch, 3·3]
            var hn = a.Slice(RnnLayout.RecurrentNDecoderL0, 12); // h_(t-1)·W_hnᵀ + b_hn, [OutputSteps, Batch, 3]
            var gh = _rnnScratch.Span.Slice(RnnLayout.GruRecurrent, 18); // h_(t-1)·W_hhᵀ of the current step
            var bHn = p.Slice(RnnLayout.DecoderBiasHhL0 + 6, 3);
            // r = σ(x·W_irᵀ + b_ir + h_(t-1)·W_hrᵀ + b_hr);  z = σ(x·W_izᵀ + b_iz + h_(t-1)·W_hzᵀ + b_hz)
            // n = tanh(x·W_inᵀ + b_in + r⊙(h_(t-1)·W_hnᵀ + b_hn))
            // h_t = (1−z)⊙n + z⊙h_(t-1)
            var s = _rnnScratch.Span;
            // x_t·W_ihᵀ + biases for the rows of step t.
            global::RnnGen.Inputs.OneHot.ProjectRows(s.Slice(RnnLayout.OneHotWeights, 45), n: 9, global::System.MemoryExtensions.AsSpan(_rnnDecoderTokens, t * Batch, Batch), s.Slice(RnnLayout.BiasSumDecoderL0, 9), a.Slice(RnnLayout.GatesDecoderL0 + t * 18, 18), ldc: 9);
            // The recurrence at step t (h_(t-1) is h0 at t = 0).
            var hPrev = t == 0 ? h0 : h.Slice((t - 1) * 6, 6);
            RnnUnpackedRecurrentProduct(matrix: 1, m: 2, n: 9, k: 3, hPrev, lda: 3, wHh, gh, ldc: 9, accumulate: false);
            global::RnnGen.Cells.GruCell.Forward(gates.Slice(t * 18, 18), gh, bHn, hn.Slice(t * 6, 6), hPrev, ldPrev: 3, h.Slice(t * 6, 6), ldh: 3, batch: 2, hidden: 3);
        }

        /// <summary>Backpropagation through time for encoder layer 0 (GRU, 3 units), then its weight gradients.</summary>
        private void RnnBackwardEncoderL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // The encoder's top layer feeds no head: its only gradient is the decoder's, at each lane's last real step.
            s.Slice(RnnLayout.DhEncoderL0, 18).Clear();
            _rnnLanes.ScatterLast(s.Slice(RnnLayout.DecoderInitialStateGradient + RnnLayout.StateHEncoderL0, 6), s.Slice(RnnLayout.DhEncoderL0, 18), ld: 3, column: 0, width: 3, add: false);
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            // dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.
            _rnnPacked.PackNN(p.Slice(RnnLayout.EncoderWeightHhL0, 27), k: 9, n: 3, ldb: 3);
            RnnBackwardEncoderL0Steps2To0();
            // Weight gradients, summed over all real steps by one product each (one packed row per step of each lane):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t  (GRU: W_hh, b_hh take [dr, dz, dn⊙r]; W_ih, b_ih take [dr, dz, dn])
            //   one-hot x: dW_ih[:, token] += dgates rows, gathered in W_ihᵀ's layout (contiguous rows), then added transposed once.
            s.Slice(RnnLayout.OneHotWeights, 36).Clear();
            global::RnnGen.Inputs.OneHot.AccumulateRows(a.Slice(RnnLayout.GatesEncoderL0, rows * 9 - 3), ldc: 9, n: 6, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, _rnnLanes.TotalRows), s.Slice(RnnLayout.OneHotWeights, 36), ldT: 9);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesEncoderL0, rows * 9 - 3), rows: rows, n: 6, ldy: 9, g.Slice(RnnLayout.EncoderBiasIhL0, 6));
            global::RnnGen.Inputs.OneHot.AccumulateRows(a.Slice(RnnLayout.RecurrentNEncoderL0, rows * 3), ldc: 3, n: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, _rnnLanes.TotalRows), s.Slice(RnnLayout.OneHotWeights + 6, 30), ldT: 9);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.RecurrentNEncoderL0, rows * 3), rows: rows, n: 3, ldy: 3, g.Slice(RnnLayout.EncoderBiasIhL0 + 6, 3));
            global::RnnGen.Kernels.Matrix.AddTransposed(s.Slice(RnnLayout.OneHotWeights, 36), rows: 4, cols: 9, g.Slice(RnnLayout.EncoderWeightIhL0, 36));
            //   dW_hh: the gates of the first step pair with h0, those of every other step with h_(t-1), copied next to them.
            {
                int firstRows = _rnnLanes.Rows[0]; // rows of step 0, which read h0
                if (firstRows > 0)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 9, n: 3, k: firstRows, a.Slice(RnnLayout.GatesEncoderL0, firstRows * 9), lda: 9, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHEncoderL0, 6), ldb: 3, g.Slice(RnnLayout.EncoderWeightHhL0, 27), ldc: 3, accumulate: true);
                }
                _rnnLanes.PreviousRows(a.Slice(RnnLayout.EncoderHiddenL0, 18), ld: 3, column: 0, width: 3, reverse: false, _rnnActivations.Span.Slice(RnnLayout.SortedInitialState + RnnLayout.StateHEncoderL0, 6), s.Slice(RnnLayout.PreviousRows, 18));
                if (rows > firstRows)
                {
                    global::RnnGen.Kernels.Gemm.TN(m: 9, n: 3, k: rows - firstRows, a.Slice(RnnLayout.GatesEncoderL0 + firstRows * 9, (rows - firstRows) * 9), lda: 9, s.Slice(RnnLayout.PreviousRows + firstRows * 3, (rows - firstRows) * 3), ldb: 3, g.Slice(RnnLayout.EncoderWeightHhL0, 27), ldc: 3, accumulate: true);
                }
            }
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesEncoderL0, rows * 9), rows: rows, n: 9, ldy: 9, g.Slice(RnnLayout.EncoderBiasHhL0, 9));
        }

        /// <summary>A chunk's inputs into the decoder's step-0 input and its h_(t-1), c_(t-1) into <c>_rnnStepPrevious</c> (rows of InitialState's layout);
        /// <c>computed</c> rows past <c>rows</c> repeat the chunk's first row.</summary>
        private void RnnDecoderStepLoad(global::System.ReadOnlySpan<int> inputs, global::System.ReadOnlySpan<float> states, int rows, int computed)
        {
            var previous = _rnnStepPrevious.Span;
            for (int r = 0; r < computed; r++)
            {
                int from = r < rows ? r : 0;
                _rnnDecoderTokens[r] = inputs[from];
                var row = states.Slice(from * DecoderStateSize, DecoderStateSize);
                row.Slice(0, 3).CopyTo(previous.Slice(RnnLayout.StateHDecoderL0 + r * 3, 3));
            }
        }

        /// <summary>Decoder layer 0 at one decoder step for a chunk of rows (at most Batch).</summary>
        private void RnnDecoderStepDecoderL0(int rows)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.DecoderWeightHhL0, 27);
            var h = a.Slice(RnnLayout.DecoderHiddenL0, 12); // h_t, [OutputSteps, Batch, 3]
            var gates = a.Slice(RnnLayout.GatesDecoderL0, 36); // [OutputSteps, Batch, 3·3]
            var hn = a.Slice(RnnLayout.RecurrentNDecoderL0, 12); // h_(t-1)·W_hnᵀ + b_hn, [OutputSteps, Batch, 3]
            var gh = _rnnScratch.Span.Slice(RnnLayout.GruRecurrent, 18); // h_(t-1)·W_hhᵀ of the current step
            var bHn = p.Slice(RnnLayout.DecoderBiasHhL0 + 6, 3);
            // r = σ(x·W_irᵀ + b_ir + h_(t-1)·W_hrᵀ + b_hr);  z = σ(x·W_izᵀ + b_iz + h_(t-1)·W_hzᵀ + b_hz)
            // n = tanh(x·W_inᵀ + b_in + r⊙(h_(t-1)·W_hnᵀ + b_hn))
            // h_t = (1−z)⊙n + z⊙h_(t-1)
            var s = _rnnScratch.Span;
            // x·W_ihᵀ + biases for the chunk's rows.
            global::RnnGen.Inputs.OneHot.ProjectRows(s.Slice(RnnLayout.OneHotWeights, 45), n: 9, global::System.MemoryExtensions.AsSpan(_rnnDecoderTokens, 0, rows), s.Slice(RnnLayout.BiasSumDecoderL0, 9), a.Slice(RnnLayout.GatesDecoderL0, (rows - 1) * 9 + 9), ldc: 9);
            // The recurrence from the rows' own h_(t-1) (and c_(t-1)).
            var hPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateHDecoderL0, rows * 3);
            RnnUnpackedRecurrentProduct(matrix: 1, m: rows, n: 9, k: 3, hPrev, lda: 3, wHh, gh, ldc: 9, accumulate: false);
            global::RnnGen.Cells.GruCell.Forward(gates.Slice(0, rows * 9), gh, bHn, hn.Slice(0, rows * 3), hPrev, ldPrev: 3, h.Slice(0, rows * 3), ldh: 3, batch: rows, hidden: 3);
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
                a.Slice(RnnLayout.DecoderHiddenL0 + r * 3, 3).CopyTo(row.Slice(0, 3)); // h_t of decoder layer 0
            }
            Output.Slice(0, rows * OutputSize).CopyTo(outputs);
        }
