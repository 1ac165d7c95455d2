
        /// <summary>Layer 0: RNN (relu, learned leak), 3 units; reads [OutputSteps, Batch, 4], writes h [OutputSteps, Batch, 3].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Input projection for all 3 steps at once (OutputSteps·Batch = 3 rows):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 3), p.Slice(RnnLayout.BiasHhL0, 3), s.Slice(RnnLayout.BiasSumL0, 3));
            //   x_t is one-hot, so x_t·W_ihᵀ is row token_t of W_ihᵀ: a gather, no product (W_ih transposed once).
            global::RnnGen.Kernels.Matrix.Transpose(p.Slice(RnnLayout.WeightIhL0, 12), rows: 3, cols: 4, s.Slice(RnnLayout.OneHotWeights, 12));
            global::RnnGen.Inputs.OneHot.ProjectRows(s.Slice(RnnLayout.OneHotWeights, 12), n: 3, _rnnTokens, s.Slice(RnnLayout.BiasSumL0, 3), a.Slice(RnnLayout.GatesL0, 9), ldc: 3);
            // The recurrence, unrolled: 16 steps per method.
            RnnForwardL0Steps0To2();
        }

        /// <summary>Layer 0, steps 0 to 2.</summary>
        private void RnnForwardL0Steps0To2()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t, [OutputSteps, Batch, 3]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 3); // h before the first step
            var gates = a.Slice(RnnLayout.GatesL0, 9); // pre, then u = f(pre), [OutputSteps, Batch, 3]
            var leak = _rnnParameters.Span.Slice(RnnLayout.LeakL0, 3); // a, α = σ(a), [3]
            // u_t = relu(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // h_t = (1 − α)⊙h_(t-1) + α⊙u_t,  α = σ(a), a one value per unit
            // t = 0
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, h0, lda: 3, wHh, ldb: 3, gates.Slice(0, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.LeakyRnnCell.Forward(gates.Slice(0, 3), h0, ldPrev: 3, h.Slice(0, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak);
            // t = 1
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, h.Slice(0, 3), lda: 3, wHh, ldb: 3, gates.Slice(3, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.LeakyRnnCell.Forward(gates.Slice(3, 3), h.Slice(0, 3), ldPrev: 3, h.Slice(3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak);
            // t = 2
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, h.Slice(3, 3), lda: 3, wHh, ldb: 3, gates.Slice(2 * 3, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.LeakyRnnCell.Forward(gates.Slice(2 * 3, 3), h.Slice(3, 3), ldPrev: 3, h.Slice(2 * 3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak);
        }

        /// <summary>Free-running inference: every step reads the previous step's chosen token.</summary>
        private void RnnDecode(double temperature, global::RnnGen.Randomness.Xoshiro256StarStar? random, int topK, double topP)
        {
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 3), p.Slice(RnnLayout.BiasHhL0, 3), s.Slice(RnnLayout.BiasSumL0, 3));
            // W_ih transposed once: each step's one-hot projection is a row of W_ihᵀ.
            global::RnnGen.Kernels.Matrix.Transpose(p.Slice(RnnLayout.WeightIhL0, 12), rows: 3, cols: 4, s.Slice(RnnLayout.OneHotWeights, 12));
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
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t, [OutputSteps, Batch, 3]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 3); // h before the first step
            var gates = a.Slice(RnnLayout.GatesL0, 9); // pre, then u = f(pre), [OutputSteps, Batch, 3]
            var leak = _rnnParameters.Span.Slice(RnnLayout.LeakL0, 3); // a, α = σ(a), [3]
            // u_t = relu(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // h_t = (1 − α)⊙h_(t-1) + α⊙u_t,  α = σ(a), a one value per unit
            var s = _rnnScratch.Span;
            // x_t·W_ihᵀ + biases for the rows of step t.
            global::RnnGen.Inputs.OneHot.ProjectRows(s.Slice(RnnLayout.OneHotWeights, 12), n: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, t * Batch, Batch), s.Slice(RnnLayout.BiasSumL0, 3), a.Slice(RnnLayout.GatesL0 + t * 3, 3), ldc: 3);
            // The recurrence at step t (h_(t-1) is h0 at t = 0).
            var hPrev = t == 0 ? h0 : h.Slice((t - 1) * 3, 3);
            global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, hPrev, lda: 3, wHh, ldb: 3, gates.Slice(t * 3, 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.LeakyRnnCell.Forward(gates.Slice(t * 3, 3), hPrev, ldPrev: 3, h.Slice(t * 3, 3), ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak);
        }

        /// <summary>Backpropagation through time for layer 0 (RNN (relu, learned leak), 3 units), then its weight gradients.</summary>
        private void RnnBackwardL0()
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            // Steps in reverse: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.
            RnnBackwardL0Steps2To0();
            // Weight gradients, summed over all 3 steps by one product each (OutputSteps·Batch = 3 rows):
            //   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t
            //   one-hot x: dW_ih[:, token] += dgates rows, gathered in W_ihᵀ's layout (contiguous rows), then added transposed once.
            s.Slice(RnnLayout.OneHotWeights, 12).Clear();
            global::RnnGen.Inputs.OneHot.AccumulateRows(a.Slice(RnnLayout.GatesL0, 9), ldc: 3, n: 3, _rnnTokens, s.Slice(RnnLayout.OneHotWeights, 12), ldT: 3);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesL0, 9), rows: 3, n: 3, ldy: 3, g.Slice(RnnLayout.BiasIhL0, 3));
            global::RnnGen.Kernels.Matrix.AddTransposed(s.Slice(RnnLayout.OneHotWeights, 12), rows: 4, cols: 3, g.Slice(RnnLayout.WeightIhL0, 12));
            //   dW_hh, shifted by one step: the gates of the first step pair with h0, those of every other step with h of the step before it.
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 1, a.Slice(RnnLayout.GatesL0, 3), lda: 3, _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 3), ldb: 3, g.Slice(RnnLayout.WeightHhL0, 9), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Gemm.TN(m: 3, n: 3, k: 2, a.Slice(RnnLayout.GatesL0 + 3, 6), lda: 3, a.Slice(RnnLayout.HiddenL0, 6), ldb: 3, g.Slice(RnnLayout.WeightHhL0, 9), ldc: 3, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(a.Slice(RnnLayout.GatesL0, 9), rows: 3, n: 3, ldy: 3, g.Slice(RnnLayout.BiasHhL0, 3));
        }

        /// <summary>Backward through layer 0, steps 2 down to 0.</summary>
        private void RnnBackwardL0Steps2To0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t, [OutputSteps, Batch, 3]
            var dh = s.Slice(RnnLayout.DhL0, 9); // dL/dh_t, [OutputSteps, Batch, 3]
            var h0 = _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 3); // h before the first step
            var gates = a.Slice(RnnLayout.GatesL0, 9); // u, then dL/dpre, [OutputSteps, Batch, 3]
            var leak = _rnnParameters.Span.Slice(RnnLayout.LeakL0, 3); // a, α = σ(a), [3]
            var dLeak = _rnnGradients.Span.Slice(RnnLayout.LeakL0, 3); // dL/da
            // dpre_t = dh_t⊙α⊙[u_t > 0]   (in place over u_t)
            // dh_(t-1) += dh_t⊙(1 − α) + dpre_t·W_hh
            // da += Σ over rows of dh_t⊙(u_t − h_(t-1))⊙α(1 − α)
            // t = 2
            global::RnnGen.Cells.LeakyRnnCell.Backward(gates.Slice(2 * 3, 3), h.Slice(3, 3), ldPrev: 3, dh.Slice(2 * 3, 3), lddh: 3, dh.Slice(3, 3), ldDhPrev: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak, dLeak);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 3, k: 3, gates.Slice(2 * 3, 3), lda: 3, wHh, ldb: 3, dh.Slice(3, 3), ldc: 3, accumulate: true);
            // t = 1
            global::RnnGen.Cells.LeakyRnnCell.Backward(gates.Slice(3, 3), h.Slice(0, 3), ldPrev: 3, dh.Slice(3, 3), lddh: 3, dh.Slice(0, 3), ldDhPrev: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak, dLeak);
            global::RnnGen.Kernels.Gemm.NN(m: 1, n: 3, k: 3, gates.Slice(3, 3), lda: 3, wHh, ldb: 3, dh.Slice(0, 3), ldc: 3, accumulate: true);
            // t = 0
            global::RnnGen.Cells.LeakyRnnCell.Backward(gates.Slice(0, 3), h0, ldPrev: 3, dh.Slice(0, 3), lddh: 3, default, ldDhPrev: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak, dLeak);
        }

        /// <summary>
        /// Runs one step for one lane: a token id through every layer and the head, advancing that lane's
        /// row of <see cref="StepState"/>. Returns the lane's output (after activation), valid until the next call for that lane.
        /// </summary>
        public global::System.ReadOnlySpan<double> Step(int token, int lane = 0)
        {
            RnnEnter();
            try
            {
                if ((uint)token >= InputSize) throw new global::System.ArgumentOutOfRangeException(nameof(token), token, "The token id must lie in [0, InputSize).");
                if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, "The lane must lie in [0, Batch).");
                using global::RnnGen.Kernels.GemmWorkers.Scope rnnWorkers = global::RnnGen.Kernels.GemmWorkers.Use(_rnnWorkers);
                var p = _rnnParameters.Span;
                var s = _rnnScratch.Span;
                var state = _rnnStepState.Span;
                // Layer 0 (RNN (relu, learned leak), 3 units).
                {
                    var h = state.Slice(RnnLayout.StateHL0 + lane * 3, 3); // this lane's h, updated in place
                    var gates = s.Slice(RnnLayout.StepGates, 3);
                    var wHh = p.Slice(RnnLayout.WeightHhL0, 9);
                    var leak = _rnnParameters.Span.Slice(RnnLayout.LeakL0, 3); // a, α = σ(a), [3]
                    global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 3), p.Slice(RnnLayout.BiasHhL0, 3), s.Slice(RnnLayout.StepGates, 3));
                    global::RnnGen.Inputs.OneHot.AddColumn(p.Slice(RnnLayout.WeightIhL0, 12), n: 3, InputSize, token, gates);
                    global::RnnGen.Kernels.Gemm.NT(m: 1, n: 3, k: 3, h, lda: 3, wHh, ldb: 3, gates, ldc: 3, accumulate: true);
                    global::RnnGen.Cells.LeakyRnnCell.Forward(gates, h, ldPrev: 3, h, ldh: 3, batch: 1, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak);
                }
                // Head: z = h·W_headᵀ + b_head, then the output activation.
                var output = s.Slice(RnnLayout.StepOutput + lane * 4, 4);
                global::RnnGen.Kernels.Bias.Broadcast(output, rows: 1, n: 4, ldc: 4, p.Slice(RnnLayout.HeadBias, 4));
                global::RnnGen.Kernels.Gemm.NT(m: 1, n: 4, k: 3, state.Slice(RnnLayout.StateHL0 + lane * 3, 3), lda: 3, p.Slice(RnnLayout.HeadWeight, 12), ldb: 3, output, ldc: 4, accumulate: true);
                // p = softmax(z) in place; log Σ exp(z) kept per row for an exact loss.
                global::RnnGen.Losses.Softmax.Rows(output, rows: 1, n: 4, s.Slice(RnnLayout.StepLogSumExp, 1));
                return output;
            }
            finally
            {
                global::System.Threading.Volatile.Write(ref _rnnBusy, 0);
            }
        }

        /// <summary>A chunk's inputs into the decoder's step-0 input and its h_(t-1), c_(t-1) into <c>_rnnStepPrevious</c> (rows of InitialState's layout);
        /// <c>computed</c> rows past <c>rows</c> repeat the chunk's first row.</summary>
        private void RnnDecoderStepLoad(global::System.ReadOnlySpan<int> inputs, global::System.ReadOnlySpan<double> states, int rows, int computed)
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
            var h = a.Slice(RnnLayout.HiddenL0, 9); // h_t, [OutputSteps, Batch, 3]
            var gates = a.Slice(RnnLayout.GatesL0, 9); // pre, then u = f(pre), [OutputSteps, Batch, 3]
            var leak = _rnnParameters.Span.Slice(RnnLayout.LeakL0, 3); // a, α = σ(a), [3]
            // u_t = relu(x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh)
            // h_t = (1 − α)⊙h_(t-1) + α⊙u_t,  α = σ(a), a one value per unit
            var s = _rnnScratch.Span;
            // x·W_ihᵀ + biases for the chunk's rows.
            global::RnnGen.Inputs.OneHot.ProjectRows(s.Slice(RnnLayout.OneHotWeights, 12), n: 3, global::System.MemoryExtensions.AsSpan(_rnnTokens, 0, rows), s.Slice(RnnLayout.BiasSumL0, 3), a.Slice(RnnLayout.GatesL0, (rows - 1) * 3 + 3), ldc: 3);
            // The recurrence from the rows' own h_(t-1) (and c_(t-1)).
            var hPrev = _rnnStepPrevious.Span.Slice(RnnLayout.StateHL0, rows * 3);
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 3, k: 3, hPrev, lda: 3, wHh, ldb: 3, gates.Slice(0, rows * 3), ldc: 3, accumulate: true);
            global::RnnGen.Cells.LeakyRnnCell.Forward(gates.Slice(0, rows * 3), hPrev, ldPrev: 3, h.Slice(0, rows * 3), ldh: 3, batch: rows, hidden: 3, global::RnnGen.Nonlinearity.Relu, leak);
        }

        /// <summary>The head over a chunk's rows, reading the top layer's h of step 0.</summary>
        private void RnnDecoderStepHead(int rows)
        {
            RnnForwardHead(first: 0, count: 1); // all Batch rows of step 0; rows past the chunk's are not read
        }

        /// <summary>A chunk's new h_t, c_t back into the caller's rows, and its outputs.</summary>
        private void RnnDecoderStepStore(global::System.Span<double> states, global::System.Span<double> outputs, int rows)
        {
            var a = _rnnActivations.Span;
            for (int r = 0; r < rows; r++)
            {
                var row = states.Slice(r * DecoderStateSize, DecoderStateSize);
                a.Slice(RnnLayout.HiddenL0 + r * 3, 3).CopyTo(row.Slice(0, 3)); // h_t of layer 0
            }
            Output.Slice(0, rows * OutputSize).CopyTo(outputs);
        }
