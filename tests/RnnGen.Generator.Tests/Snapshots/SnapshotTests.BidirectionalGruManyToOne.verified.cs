
        /// <summary>The head on output steps [first, first + count): z = h·W_headᵀ + b_head, then the output activation.</summary>
        private void RnnForwardHead(int first, int count)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            // The head reads each lane's h after its last real step (forward) and after step 0, where the reverse direction ends: PyTorch's h_n.
            _rnnLanes.GatherLast(a.Slice(RnnLayout.HiddenL0, 24), ld: 4, column: 0, width: 2, reverse: false, a.Slice(RnnLayout.HeadInput, 8), ldDestination: 4);
            _rnnLanes.GatherLast(a.Slice(RnnLayout.HiddenL0, 24), ld: 4, column: 2, width: 2, reverse: true, a.Slice(RnnLayout.HeadInput + 2, 6), ldDestination: 4);
            int rows = _rnnLanes.Used, row = 0; // one row per lane in use
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
            // Each lane's state after its last real step, in the caller's lane order; an unused lane keeps its initial state.
            _rnnLanes.StateAfter(Steps - 1, a.Slice(RnnLayout.HiddenL0, 24), ld: 4, column: 0, width: 2, reverse: false, _rnnInitialState.Span.Slice(RnnLayout.StateHL0, 4), destination.Slice(RnnLayout.StateHL0, 4));
            _rnnLanes.StateAfter(Steps - 1, a.Slice(RnnLayout.HiddenL0, 24), ld: 4, column: 2, width: 2, reverse: true, _rnnInitialState.Span.Slice(RnnLayout.StateHL0Reverse, 4), destination.Slice(RnnLayout.StateHL0Reverse, 4));
        }

        /// <summary>Backpropagation through time: the head, then every layer from the top down.</summary>
        private void RnnBackwardCore(global::System.ReadOnlySpan<int> targets)
        {
            if (!_rnnLossOptions.IsDefault)
            {
                RnnOptionsLoss(targets, backward: true);
                return;
            }
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var dz = s.Slice(RnnLayout.Dz, 4); // dL/dz in packed rows, [≤ OutputSteps·Batch, 2]
            int first = 0, rows = _rnnLanes.Used; // one output row per lane in use
            float inverse = 1 / (float)_rnnLanes.Used;
            var output = a.Slice(RnnLayout.OutputValues, rows * OutputSize);
            targets = RnnPackTargets(targets, rows);
            // Rows before LossStartStep do not count: their dz is zero.
            dz.Slice(0, first * OutputSize).Clear();
            // Softmax + cross-entropy: dz = (p − onehot(y)) / lanes in use.
            global::RnnGen.Losses.Softmax.CrossEntropyBackward(output.Slice(first * OutputSize), targets.Slice(first, rows - first), dz.Slice(first * OutputSize), rows: rows - first, n: 2, inverse);
            RnnBackwardFromDz(rows);
        }
