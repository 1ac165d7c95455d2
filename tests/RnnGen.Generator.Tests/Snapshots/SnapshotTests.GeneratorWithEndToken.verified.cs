        /// <summary>The class that ends a generated sequence: a lane that chooses it stops (see <see cref="GeneratedLengths"/>).</summary>
        public const int EndToken = 0;

        /// <summary>Each lane's generated length in the last <c>Forward(input)</c> or <c>Generate</c>: the steps up to and including its first <see cref="EndToken"/>, or OutputSteps; later entries of <see cref="Generated"/> repeat the end token.</summary>
        public global::System.ReadOnlySpan<int> GeneratedLengths => _rnnGeneratedLengths;

        /// <summary>Free-running inference: every step reads the previous step's chosen token.</summary>
        private void RnnDecode(float temperature, global::RnnGen.Randomness.Xoshiro256StarStar? random, int topK, float topP)
        {
            var p = _rnnParameters.Span;
            var s = _rnnScratch.Span;
            // b_ih + b_hh, folded once for all steps.
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 6), p.Slice(RnnLayout.BiasHhL0, 6), s.Slice(RnnLayout.BiasSumL0, 6));
            p.Slice(RnnLayout.BiasIhL0 + 6, 3).CopyTo(s.Slice(RnnLayout.BiasSumL0 + 6, 3));
            // W_ih transposed once: each step's one-hot projection is a row of W_ihᵀ.
            global::RnnGen.Kernels.Matrix.Transpose(p.Slice(RnnLayout.WeightIhL0, 45), rows: 9, cols: 5, s.Slice(RnnLayout.OneHotWeights, 45));
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
                    // A lane that has chosen the end token has ended: it repeats it (its state still advances; its tokens no longer change).
                    // It still draws, so the other lanes' draws do not depend on when it ended.
                    int choice = random is null || temperature == 0 ? global::RnnGen.Inference.Sampling.ArgMax(row) : global::RnnGen.Inference.Sampling.Sample(row, temperature, random, topK, topP);
                    int token = t >= _rnnGeneratedLengths[lane] ? EndToken : choice;
                    if (token == EndToken && t < _rnnGeneratedLengths[lane]) _rnnGeneratedLengths[lane] = t + 1;
                    _rnnGenerated[t * Batch + lane] = token;
                    if (t + 1 < OutputSteps) _rnnTokens[(t + 1) * Batch + lane] = token;
                }
            }
            RnnSaveState(_rnnFinalState.Span);
            _rnnPhase = 1;
            _rnnReducedPass = _rnnReduced.Active;
            _rnnLogitsState = 0;
        }
