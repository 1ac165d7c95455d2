
        /// <summary>The head on output steps [first, first + count): z = h·W_headᵀ + b_head, then the output activation.</summary>
        private void RnnForwardHead(int first, int count)
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            int row = _rnnLanes.Start[first], rows = _rnnLanes.Start[first + count] - row; // the packed rows of these steps
            var x = a.Slice(RnnLayout.HiddenL0 + row * 3, rows * 3);
            var z = a.Slice(RnnLayout.Logits + row * 2, rows * 2);
            global::RnnGen.Kernels.Bias.Broadcast(z, rows: rows, n: 2, ldc: 2, p.Slice(RnnLayout.HeadBias, 2));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 2, k: 3, x, lda: 3, p.Slice(RnnLayout.HeadWeight, 6), ldb: 3, z, ldc: 2, accumulate: true);
            // y = σ(z); the logits stay for a stable loss.
            global::RnnGen.Losses.BinaryCrossEntropy.Sigmoid(z, a.Slice(RnnLayout.OutputValues + row * 2, rows * 2), count: rows * 2);
        }

        private float RnnLossCore(global::System.ReadOnlySpan<float> targets)
        {
            if (!_rnnLossOptions.IsDefault) return RnnOptionsLoss(targets, backward: false);
            var a = _rnnActivations.Span;
            // Real rows from LossStartStep on count; the loss sums over them and averages over the lanes in use.
            int first = _rnnLanes.Start[_rnnLossStartStep], rows = _rnnLanes.TotalRows;
            float inverse = 1 / (float)_rnnLanes.Used;
            var output = a.Slice(RnnLayout.OutputValues, rows * OutputSize);
            targets = RnnPackTargets(targets, rows);
            // Σ softplus(z) − t·z = binary cross-entropy of σ(z), finite for every finite z.
            return global::RnnGen.Losses.BinaryCrossEntropy.Loss(a.Slice(RnnLayout.Logits + first * OutputSize, (rows - first) * OutputSize), targets.Slice(first * OutputSize), count: (rows - first) * OutputSize, inverse);
        }

        /// <summary>Backpropagation through time: the head, then every layer from the top down.</summary>
        private void RnnBackwardCore(global::System.ReadOnlySpan<float> targets)
        {
            if (!_rnnLossOptions.IsDefault)
            {
                RnnOptionsLoss(targets, backward: true);
                return;
            }
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            var dz = s.Slice(RnnLayout.Dz, 8); // dL/dz in packed rows, [≤ OutputSteps·Batch, 2]
            int first = _rnnLanes.Start[_rnnLossStartStep], rows = _rnnLanes.TotalRows;
            float inverse = 1 / (float)_rnnLanes.Used;
            var output = a.Slice(RnnLayout.OutputValues, rows * OutputSize);
            targets = RnnPackTargets(targets, rows);
            // Rows before LossStartStep do not count: their dz is zero.
            dz.Slice(0, first * OutputSize).Clear();
            // Sigmoid + binary cross-entropy: dz = (σ(z) − t) / lanes in use.
            global::RnnGen.Losses.BinaryCrossEntropy.Backward(output.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), count: (rows - first) * OutputSize, inverse);
            RnnBackwardFromDz(rows);
        }

        /// <summary>
        /// Runs one step for one lane: an input vector through every layer and the head, advancing that lane's
        /// row of <see cref="StepState"/>. Returns the lane's output (after activation), valid until the next call for that lane.
        /// </summary>
        public global::System.ReadOnlySpan<float> Step(global::System.ReadOnlySpan<float> input, int lane = 0)
        {
            RnnEnter();
            try
            {
                global::RnnGen.Inputs.ArgumentChecks.Finite(input, InputSize, "[InputSize]", nameof(input));
                if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, "The lane must lie in [0, Batch).");
                using global::RnnGen.Kernels.GemmWorkers.Scope rnnWorkers = global::RnnGen.Kernels.GemmWorkers.Use(_rnnWorkers);
                var p = _rnnParameters.Span;
                var s = _rnnScratch.Span;
                var state = _rnnStepState.Span;
                // Layer 0 (LSTM, 3 units).
                {
                    var h = state.Slice(RnnLayout.StateHL0 + lane * 3, 3); // this lane's h, updated in place
                    var gates = s.Slice(RnnLayout.StepGates, 12);
                    var wHh = p.Slice(RnnLayout.WeightHhL0, 36);
                    var c = state.Slice(RnnLayout.StateCL0 + lane * 3, 3); // this lane's c, updated in place
                    global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 12), p.Slice(RnnLayout.BiasHhL0, 12), s.Slice(RnnLayout.StepGates, 12));
                    global::RnnGen.Kernels.Gemm.NT(m: 1, n: 12, k: 3, input, lda: 3, p.Slice(RnnLayout.WeightIhL0, 36), ldb: 3, gates, ldc: 12, accumulate: true);
                    RnnUnpackedRecurrentProduct(matrix: 0, m: 1, n: 12, k: 3, h, lda: 3, wHh, gates, ldc: 12, accumulate: true);
                    global::RnnGen.Cells.LstmCell.Forward(gates, c, c, h, ldh: 3, batch: 1, hidden: 3);
                }
                // Head: z = h·W_headᵀ + b_head, then the output activation.
                var output = s.Slice(RnnLayout.StepOutput + lane * 2, 2);
                global::RnnGen.Kernels.Bias.Broadcast(output, rows: 1, n: 2, ldc: 2, p.Slice(RnnLayout.HeadBias, 2));
                global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 3, state.Slice(RnnLayout.StateHL0 + lane * 3, 3), lda: 3, p.Slice(RnnLayout.HeadWeight, 6), ldb: 3, output, ldc: 2, accumulate: true);
                // y = σ(z); the logits stay for a stable loss.
                global::RnnGen.Losses.BinaryCrossEntropy.Sigmoid(output, output, count: 1 * 2);
                return output;
            }
            finally
            {
                global::System.Threading.Volatile.Write(ref _rnnBusy, 0);
            }
        }
