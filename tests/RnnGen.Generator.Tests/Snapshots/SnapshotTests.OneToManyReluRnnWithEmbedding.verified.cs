
        /// <summary>Teacher forcing: step t > 0 of the recurrence reads the target of step t − 1.</summary>
        private void RnnLoadTeacher(global::System.ReadOnlySpan<int> targets)
        {
            targets.Slice(0, 4).CopyTo(global::System.MemoryExtensions.AsSpan(_rnnTokens, start: Batch));
            // Targets past a lane's length are not validated: the inputs made of them become token 0, a valid id that reaches no loss.
            if (!_rnnTargetLanes.Full) _rnnTargetLanes.FillPast(global::System.MemoryExtensions.AsSpan(_rnnTokens), width: 1, shift: 1, value: 0);
        }

        /// <summary>The forward pass over the loaded inputs (teacher forcing): every layer over all steps, then the head.</summary>
        private void RnnForwardCore()
        {
            // x_t = embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.EmbeddingWeight, 8), width: 2, _rnnTokens, _rnnActivations.Span.Slice(RnnLayout.InputX, 10));
            RnnForwardL0();
            RnnForwardHead(first: 0, count: OutputSteps);
            RnnSaveState(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
            _rnnLogitsState = 0;
        }

        /// <summary>Free-running inference: every step reads the previous step's chosen token.</summary>
        private void RnnDecode(float temperature, global::RnnGen.Randomness.Xoshiro256StarStar? random, int topK, float topP)
        {
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 3), p.Slice(RnnLayout.BiasHhL0, 3), s.Slice(RnnLayout.BiasSumL0, 3));
            global::System.Array.Fill(_rnnGeneratedLengths, OutputSteps);
            for (int t = 0; t < OutputSteps; t++)
            {
                RnnDecodeL0(t);
                RnnForwardHead(first: t, count: 1);
                // The chosen token is this step's prediction and the next step's input.
                var probabilities = Output.Slice(t * Batch * OutputSize, Batch * OutputSize);
                for (int lane = 0; lane < Batch; lane++)
                {
                    var row = probabilities.Slice(lane * OutputSize, OutputSize);
                    int token = random is null || temperature == 0 ? global::RnnGen.Inference.Sampling.ArgMax(row) : global::RnnGen.Inference.Sampling.Sample(row, temperature, random, topK, topP);
                    _rnnGenerated[t * Batch + lane] = token;
                    if (t + 1 < OutputSteps) _rnnTokens[(t + 1) * Batch + lane] = token;
                }
            }
            RnnSaveState(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
            _rnnLogitsState = 0;
        }

        /// <summary>Layer 0 at step t of free-running inference.</summary>
        private void RnnDecodeL0(int t)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 15); // h_t, [OutputSteps, Batch, 3]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 3); // h before the first step
            // h_t = relu(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            var s = _rnnScratch.Span;
            // x_t·W_ihᵀ + biases for the rows of step t.
            // x_t = embedding.weight[token_t].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.EmbeddingWeight, 8), width: 2, global::System.MemoryExtensions.AsSpan(_rnnTokens, t * Batch, 1), _rnnActivations.Span.Slice(RnnLayout.InputX + t * Batch * 2, 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0 + t * 3, 3), rows: 1, n: 3, ldc: 3, s.Slice(RnnLayout.BiasSumL0, 3));
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 2, a.Slice(RnnLayout.InputX + t * 2, 2), lda: 2, p.Slice(RnnLayout.WeightIhL0, 6), ldb: 2, a.Slice(RnnLayout.HiddenL0 + t * 3, 3), ldc: 3, accumulate: true);
            // The recurrence at step t (h_(t-1) is h0 at t = 0).
            var hPrev = t == 0 ? h0 : h.Slice((t - 1) * 3, 3);
            RnnUnpackedRecurrentProduct(matrix: 0, m: 1, n: 3, k: 3, hPrev, lda: 3, wHh, h.Slice(t * 3, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(t * 3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
        }

        /// <summary>A chunk's inputs into the decoder's step-0 input and its h_(t-1), c_(t-1) into <c>_rnnStepPrevious</c> (rows of InitialState's layout);
        /// <c>computed</c> rows past <c>rows</c> repeat the chunk's first row.</summary>
        private void RnnDecoderStepLoad(global::System.ReadOnlySpan<int> inputs, global::System.ReadOnlySpan<float> states, int rows, int computed)
        {
            var previous = _rnnStepPrevious.Span;
            for (int r = 0; r < computed; r++)
            {
                int from = r < rows ? r : 0;
                _rnnTokens[r] = inputs[from];
                var row = states.Slice(from * DecoderStateSize, DecoderStateSize);
                row.Slice(0, 3).CopyTo(previous.Slice(RnnLayout.StateHL0 + r * 3, 3));
            }
        }

        /// <summary>Layer 0 at one decoder step for a chunk of rows (at most Batch).</summary>
        private void RnnDecoderStepL0(int rows)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 15); // h_t, [OutputSteps, Batch, 3]
            // h_t = relu(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            var s = _rnnScratch.Span;
            // x·W_ihᵀ + biases for the chunk's rows.
            // x = embedding.weight[token].
            global::RnnGen.Inputs.Embedding.Gather(_rnnParameters.Span.Slice(RnnLayout.EmbeddingWeight, 8), width: 2, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, rows), _rnnActivations.Span.Slice(RnnLayout.InputX, rows * 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL0, (rows - 1) * 3 + 3), rows: rows, n: 3, ldc: 3, s.Slice(RnnLayout.BiasSumL0, 3));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 3, k: 2, a.Slice(RnnLayout.InputX, rows * 2), lda: 2, p.Slice(RnnLayout.WeightIhL0, 6), ldb: 2, a.Slice(RnnLayout.HiddenL0, (rows - 1) * 3 + 3), ldc: 3, accumulate: true);
            // The recurrence from the rows' own h_(t-1) (and c_(t-1)).
            var hPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateHL0, rows * 3);
            RnnUnpackedRecurrentProduct(matrix: 0, m: rows, n: 3, k: 3, hPrev, lda: 3, wHh, h.Slice(0, rows * 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(0, rows * 3), ldh: 3, batch: rows, hidden: 3, global::RnnGen.Nonlinearity.Relu);
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
            }
            Output.Slice(0, rows * OutputSize).CopyTo(outputs);
        }
