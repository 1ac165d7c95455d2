
        /// <summary>Where each tensor, activation and scratch area starts in the model's flat buffers.</summary>
        private static class RnnLayout
        {
            // Parameters: PyTorch's state_dict tensors, in order.
            public const int EmbeddingWeight = 0; // embedding.weight [4, 2]
            public const int WeightIhL0 = 8; // rnn.weight_ih_l0 [9, 2]
            public const int WeightHhL0 = 26; // rnn.weight_hh_l0 [9, 3]
            public const int BiasIhL0 = 53; // rnn.bias_ih_l0 [9]
            public const int BiasHhL0 = 62; // rnn.bias_hh_l0 [9]
            public const int WeightIhL1 = 71; // rnn.weight_ih_l1 [12, 3]
            public const int WeightHhL1 = 107; // rnn.weight_hh_l1 [12, 3]
            public const int BiasIhL1 = 143; // rnn.bias_ih_l1 [12]
            public const int BiasHhL1 = 155; // rnn.bias_hh_l1 [12]
            public const int WeightIhL2 = 167; // rnn.weight_ih_l2 [2, 3]
            public const int WeightHhL2 = 173; // rnn.weight_hh_l2 [2, 2]
            public const int BiasIhL2 = 177; // rnn.bias_ih_l2 [2]
            public const int BiasHhL2 = 179; // rnn.bias_hh_l2 [2]
            public const int HeadWeight = 181; // head.weight [4, 2]
            public const int HeadBias = 189; // head.bias [4]

            // Activations that backward reads, written by the last forward pass.
            public const int InputX = 0; // x: inputs (or their embeddings), [Σ lengths (packed), 2]
            public const int HiddenL0 = 8; // h: outputs of layer 0, [Σ lengths (packed), 3]
            public const int GatesL0 = 20; // gate activations of layer 0, [Σ lengths (packed), 9] (r, z, n); backward overwrites them with their gradients
            public const int RecurrentNL0 = 56; // h_(t-1)·W_hnᵀ + b_hn of layer 0, [Σ lengths (packed), 3] (backward needs it for dr)
            public const int HiddenL1 = 68; // h: outputs of layer 1, [Σ lengths (packed), 3]
            public const int GatesL1 = 80; // gate activations of layer 1, [Σ lengths (packed), 12] (i, f, g, o); backward overwrites them with their gradients
            public const int CellL1 = 128; // c: cell states of layer 1, [Σ lengths (packed), 3]
            public const int HiddenL2 = 140; // h: outputs of layer 2, [Σ lengths (packed), 2]
            public const int SortedInitialState = 148; // InitialState with its lanes in the packed order (longest first), [StateSize]
            public const int OutputValues = 170; // the head's output in packed rows (lanes sorted, real steps only), [≤ OutputSteps·Batch, 4]
            public const int LogSumExp = 186; // log Σ exp(z) per output row, for an exact cross-entropy
            public const int ActivationLength = 190;

            // Scratch.
            public const int GradientsA = 0; // dz of the head, then every other layer's dh going down (see the aliases below)
            public const int GradientsB = 16; // dh of the top layer, then every other layer's dh going down
            public const int Dc = 28; // dL/dc carried from step t to step t−1
            public const int GruRecurrent = 34; // h_(t-1)·W_hhᵀ of the current GRU step
            public const int PreviousRows = 52; // h_(t-1) aligned with the packed rows of step t, for dW_hh as one product
            public const int BiasSumL0 = 64; // b_ih + b_hh folded into the input projection
            public const int BiasSumL1 = 73; // b_ih + b_hh folded into the input projection
            public const int BiasSumL2 = 85; // b_ih + b_hh folded into the input projection
            public const int StepGates = 87; // gate pre-activations of the layer Step is computing
            public const int StepGru = 99; // h·W_hhᵀ (3H) and h·W_hnᵀ + b_hn (H) of a GRU layer in Step
            public const int StepOutput = 111; // Step's output for each lane, [Batch, OutputSize]
            public const int StepLogSumExp = 119; // log Σ exp(z) of Step's softmax
            public const int ScratchLength = 120;
            // What the two gradient areas hold as backward goes down the layers (each is read by one layer while the next writes the other).
            public const int Dz = GradientsA; // dL/dz of the head, [OutputSteps, Batch, 4]
            public const int DhL2 = GradientsB; // dL/dh of layer 2, [Σ lengths (packed), 2]
            public const int DhL1 = GradientsA; // dL/dh of layer 1, [Σ lengths (packed), 3]
            public const int DhL0 = GradientsB; // dL/dh of layer 0, [Σ lengths (packed), 3]
            public const int Dx = GradientsA; // dL/dx of the model's inputs, [Σ lengths (packed), 2]

            // Recurrent state (InitialState, FinalState): every h, then every c.
            public const int StateHL0 = 0; // h of layer 0, [Batch, 3]
            public const int StateHL1 = 6; // h of layer 1, [Batch, 3]
            public const int StateHL2 = 12; // h of layer 2, [Batch, 2]
            public const int StateCL1 = 16; // c of layer 1, [Batch, 3]
        }

        /// <summary>Layer 0: GRU, 3 units; reads packed rows [Σ lengths, 2], writes h [Σ lengths, 3].</summary>
        private void RnnForwardL0()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Input projection for all steps at once (one row per real step of each lane):
            //   gates[t] = x_t·W_ihᵀ + b_ih + [b_hr, b_hz, 0]   (b_hn stays inside r⊙(·))
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 6), p.Slice(RnnLayout.BiasHhL0, 6), s.Slice(RnnLayout.BiasSumL0, 6));
            p.Slice(RnnLayout.BiasIhL0 + 6, 3).CopyTo(s.Slice(RnnLayout.BiasSumL0 + 6, 3));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesL0, 36), rows: rows, n: 9, ldc: 9, s.Slice(RnnLayout.BiasSumL0, 9));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 9, k: 2, a.Slice(RnnLayout.InputX, 8), lda: 2, p.Slice(RnnLayout.WeightIhL0, 18), ldb: 2, a.Slice(RnnLayout.GatesL0, 36), ldc: 9, accumulate: true);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL0, 27), n: 9, k: 3, ldb: 3);
            RnnForwardL0Steps0To1();
        }

        /// <summary>Layer 1: LSTM, 3 units; reads packed rows [Σ lengths, 3], writes h [Σ lengths, 3].</summary>
        private void RnnForwardL1()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Input projection for all steps at once (one row per real step of each lane):
            //   gates[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL1, 12), p.Slice(RnnLayout.BiasHhL1, 12), s.Slice(RnnLayout.BiasSumL1, 12));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.GatesL1, 48), rows: rows, n: 12, ldc: 12, s.Slice(RnnLayout.BiasSumL1, 12));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 12, k: 3, a.Slice(RnnLayout.HiddenL0, 12), lda: 3, p.Slice(RnnLayout.WeightIhL1, 36), ldb: 3, a.Slice(RnnLayout.GatesL1, 48), ldc: 12, accumulate: true);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL1, 36), n: 12, k: 3, ldb: 3);
            RnnForwardL1Steps0To1();
        }

        /// <summary>Layer 2: RNN (tanh), 2 units; reads packed rows [Σ lengths, 3], writes h [Σ lengths, 2].</summary>
        private void RnnForwardL2()
        {
            var p = _rnnParameters.Span;
            var a = _rnnActivations.Span;
            var s = _rnnScratch.Span;
            int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed
            // Input projection for all steps at once (one row per real step of each lane):
            //   pre[t] = x_t·W_ihᵀ + b_ih + b_hh
            global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL2, 2), p.Slice(RnnLayout.BiasHhL2, 2), s.Slice(RnnLayout.BiasSumL2, 2));
            global::RnnGen.Kernels.Bias.Broadcast(a.Slice(RnnLayout.HiddenL2, 8), rows: rows, n: 2, ldc: 2, s.Slice(RnnLayout.BiasSumL2, 2));
            global::RnnGen.Kernels.Gemm.NT(m: rows, n: 2, k: 3, a.Slice(RnnLayout.HiddenL1, 12), lda: 3, p.Slice(RnnLayout.WeightIhL2, 6), ldb: 3, a.Slice(RnnLayout.HiddenL2, 8), ldc: 2, accumulate: true);
            // The recurrence, unrolled: 16 steps per method. W_hh is packed once for all of them.
            _rnnPacked.PackNT(p.Slice(RnnLayout.WeightHhL2, 4), n: 2, k: 2, ldb: 2);
            RnnForwardL2Steps0To1();
        }

        /// <summary>
        /// Runs one step for one lane: a token id through every layer and the head, advancing that lane's
        /// row of <see cref="StepState"/>. Returns the lane's output (after activation), valid until the next call for that lane.
        /// </summary>
        public global::System.ReadOnlySpan<float> Step(int token, int lane = 0)
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
                // Layer 0 (GRU, 3 units).
                {
                    var h = state.Slice(RnnLayout.StateHL0 + lane * 3, 3); // this lane's h, updated in place
                    var gates = s.Slice(RnnLayout.StepGates, 9);
                    var wHh = p.Slice(RnnLayout.WeightHhL0, 27);
                    var gh = s.Slice(RnnLayout.StepGru, 9); // h·W_hhᵀ
                    var hn = s.Slice(RnnLayout.StepGru + 9, 3); // h·W_hnᵀ + b_hn
                    var bHn = p.Slice(RnnLayout.BiasHhL0 + 6, 3);
                    global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL0, 6), p.Slice(RnnLayout.BiasHhL0, 6), s.Slice(RnnLayout.StepGates, 6));
                    p.Slice(RnnLayout.BiasIhL0 + 6, 3).CopyTo(s.Slice(RnnLayout.StepGates + 6, 3));
                    global::RnnGen.Kernels.Gemm.NT(m: 1, n: 9, k: 2, p.Slice(RnnLayout.EmbeddingWeight + token * 2, 2), lda: 2, p.Slice(RnnLayout.WeightIhL0, 18), ldb: 2, gates, ldc: 9, accumulate: true);
                    RnnUnpackedRecurrentProduct(matrix: 0, m: 1, n: 9, k: 3, h, lda: 3, wHh, gh, ldc: 9, accumulate: false);
                    global::RnnGen.Cells.GruCell.Forward(gates, gh, bHn, hn, h, ldPrev: 3, h, ldh: 3, batch: 1, hidden: 3);
                }
                // Layer 1 (LSTM, 3 units).
                {
                    var h = state.Slice(RnnLayout.StateHL1 + lane * 3, 3); // this lane's h, updated in place
                    var gates = s.Slice(RnnLayout.StepGates, 12);
                    var wHh = p.Slice(RnnLayout.WeightHhL1, 36);
                    var c = state.Slice(RnnLayout.StateCL1 + lane * 3, 3); // this lane's c, updated in place
                    global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL1, 12), p.Slice(RnnLayout.BiasHhL1, 12), s.Slice(RnnLayout.StepGates, 12));
                    global::RnnGen.Kernels.Gemm.NT(m: 1, n: 12, k: 3, state.Slice(RnnLayout.StateHL0 + lane * 3, 3), lda: 3, p.Slice(RnnLayout.WeightIhL1, 36), ldb: 3, gates, ldc: 12, accumulate: true);
                    RnnUnpackedRecurrentProduct(matrix: 1, m: 1, n: 12, k: 3, h, lda: 3, wHh, gates, ldc: 12, accumulate: true);
                    global::RnnGen.Cells.LstmCell.Forward(gates, c, c, h, ldh: 3, batch: 1, hidden: 3);
                }
                // Layer 2 (RNN (tanh), 2 units).
                {
                    var h = state.Slice(RnnLayout.StateHL2 + lane * 2, 2); // this lane's h, updated in place
                    var gates = s.Slice(RnnLayout.StepGates, 2);
                    var wHh = p.Slice(RnnLayout.WeightHhL2, 4);
                    global::RnnGen.Kernels.Bias.Sum(p.Slice(RnnLayout.BiasIhL2, 2), p.Slice(RnnLayout.BiasHhL2, 2), s.Slice(RnnLayout.StepGates, 2));
                    global::RnnGen.Kernels.Gemm.NT(m: 1, n: 2, k: 3, state.Slice(RnnLayout.StateHL1 + lane * 3, 3), lda: 3, p.Slice(RnnLayout.WeightIhL2, 6), ldb: 3, gates, ldc: 2, accumulate: true);
                    RnnUnpackedRecurrentProduct(matrix: 2, m: 1, n: 2, k: 2, h, lda: 2, wHh, gates, ldc: 2, accumulate: true);
                    global::RnnGen.Cells.RnnCell.Forward(gates, ldh: 2, batch: 1, hidden: 2, global::RnnGen.Nonlinearity.Tanh);
                    gates.CopyTo(h);
                }
                // Head: z = h·W_headᵀ + b_head, then the output activation.
                var output = s.Slice(RnnLayout.StepOutput + lane * 4, 4);
                global::RnnGen.Kernels.Bias.Broadcast(output, rows: 1, n: 4, ldc: 4, p.Slice(RnnLayout.HeadBias, 4));
                global::RnnGen.Kernels.Gemm.NT(m: 1, n: 4, k: 2, state.Slice(RnnLayout.StateHL2 + lane * 2, 2), lda: 2, p.Slice(RnnLayout.HeadWeight, 8), ldb: 2, output, ldc: 4, accumulate: true);
                // p = softmax(z) in place; log Σ exp(z) kept per row for an exact loss.
                global::RnnGen.Losses.Softmax.Rows(output, rows: 1, n: 4, s.Slice(RnnLayout.StepLogSumExp, 1));
                return output;
            }
            finally
            {
                global::System.Threading.Volatile.Write(ref _rnnBusy, 0);
            }
        }
