
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
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, hPrev, lda: 3, wHh, ldb: 3, h.Slice(t * 3, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.RnnCell.Forward(h.Slice(t * 3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu);
        }
