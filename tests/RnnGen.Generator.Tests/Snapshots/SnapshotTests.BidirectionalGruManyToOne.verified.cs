
        /// <summary>The head on output steps [first, first + count): z = h·W_headᵀ + b_head, then the output activation.</summary>
        private void RnnForwardHead(int first, int count)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            // The head reads the forward direction after its last step (t = T−1) and the reverse direction after its last (t = 0).
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.HiddenL0 + 2 * 8, 6), ldSource: 4, a.Slice(RnnLayout.HeadInput, 8), ldTarget: 4, rows: 2, cols: 2);
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.HiddenL0 + 2, 6), ldSource: 4, a.Slice(RnnLayout.HeadInput + 2, 6), ldTarget: 4, rows: 2, cols: 2);
            int rows = count * Batch, row = first * Batch;
            var x = a.Slice(RnnLayout.HeadInput + row * 4, rows * 4);
            var z = a.Slice(RnnLayout.OutputValues + row * 2, rows * 2);
            global::RnnGen.Kernels.Bias.Broadcast(z, rows: rows, n: 2, ldc: 2, p.Slice(RnnLayout.HeadBias, 2));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 2, k: 4, x, lda: 4, p.Slice(RnnLayout.HeadWeight, 8), ldb: 4, z, ldc: 2, accumulate: true);
            // p = softmax(z) in place; log Σ exp(z) kept per row for an exact loss.
            global::RnnGen.Losses.Softmax.Rows(z, rows: rows, n: 2, a.Slice(RnnLayout.LogSumExp + row, rows));
        }

        /// <summary>h (and c) of every layer after the last step each direction takes, in the layout of InitialState.</summary>
        private void RnnSaveState(global::System.Span<float> destination)
        {
            var a = _rnnActivations.Span;
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.HiddenL0 + 2 * 8, 6), ldSource: 4, destination.Slice(RnnLayout.StateHL0, 4), ldTarget: 2, rows: 2, cols: 2);
            global::RnnGen.Kernels.Matrix.CopyRows(a.Slice(RnnLayout.HiddenL0 + 2, 6), ldSource: 4, destination.Slice(RnnLayout.StateHL0Reverse, 4), ldTarget: 2, rows: 2, cols: 2);
        }

        /// <summary>Backpropagation through time: the head, then every layer from the top down.</summary>
        private void RnnBackwardCore(global::System.ReadOnlySpan<int> targets)
        {
            var p = _rnnParameters.Span;
            var g = _rnnGradients.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var dz = s.Slice(RnnLayout.Dz, 4); // dL/dz, [OutputSteps, Batch, 2]
            // Rows before LossStartStep do not count: their dz is zero.
            int first = _rnnLossStartStep * Batch;
            dz.Slice(0, first * OutputSize).Clear();
            // Softmax + cross-entropy: dz = (p − onehot(y)) / Batch.
            global::RnnGen.Losses.Softmax.CrossEntropyBackward(Output.Slice(first * OutputSize), targets.Slice(first), dz.Slice(first * OutputSize), rows: 2 - first, n: 2, RnnInverseBatch);
            // dW_head += dzᵀ·h and db_head += Σ dz, over all output rows at once.
            global::RnnGen.Kernels.Gemm.TN(m: 2, n: 4, k: 2, dz, lda: 2, a.Slice(RnnLayout.HeadInput, 8), ldb: 4, g.Slice(RnnLayout.HeadWeight, 8), ldc: 4, accumulate: true);
            global::RnnGen.Kernels.Bias.AccumulateColumnSums(dz, rows: 2, n: 2, ldy: 2, g.Slice(RnnLayout.HeadBias, 2));
            // dh of the top layer: dz·W_head at the step the head read, zero elsewhere (no output there).
            s.Slice(RnnLayout.DhL0, 24).Clear();
            global::RnnGen.Kernels.Gemm.NN(m: 2, n: 4, k: 2, dz, lda: 2, p.Slice(RnnLayout.HeadWeight, 8), ldb: 4, s.Slice(RnnLayout.DhL0 + 16, 8), ldc: 4, accumulate: false);
            // The reverse half belongs to step 0, where the reverse direction ended: move it there.
            global::RnnGen.Kernels.Matrix.CopyRows(s.Slice(RnnLayout.DhL0 + 18, 6), ldSource: 4, s.Slice(RnnLayout.DhL0 + 2, 6), ldTarget: 4, rows: 2, cols: 2);
            global::RnnGen.Kernels.Matrix.ClearRows(s.Slice(RnnLayout.DhL0 + 18, 6), ld: 4, rows: 2, cols: 2);
            RnnBackwardL0();
            _rnnPhase = 2;
        }
