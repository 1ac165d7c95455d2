using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>
/// The decoder-step API (<see cref="IDecoderStepModel{T, TInput, TStep}"/>) of one-to-many and encoder–decoder models:
/// Encode, StartDecoder, StartInput and DecoderStep fed what free-running decoding feeds itself give Forward's Output,
/// step by step, bit for bit — each chunk of rows runs the same kernels over the same values as decoding does; rows in
/// any order, repeating lanes and spanning several chunks give each row its lane's result.
/// </summary>
public class DecoderStepTests
{
    private static long Allocated(Action action) => RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(action);

    public static TheoryData<string> TokenModels => new()
    {
        nameof(LstmOneToManyOneHot), nameof(LstmOneToManyEmbedding), nameof(GruOneToManyOneHot), nameof(RnnOneToManyEmbedding),
        nameof(StackOneToMany), nameof(BeamTinyOneToMany),
        nameof(LstmEncoderDecoderOneHot), nameof(GruEncoderDecoderEmbedding), nameof(RnnEncoderDecoderOneHot),
        nameof(LstmEncoderDecoderVectorSoftmax), nameof(GruEncoderDecoderVectorSoftmax), nameof(StackEncoderDecoder),
        nameof(SmallSeq2Seq), nameof(BeamTiny), nameof(ProjectedStepSeq2Seq), nameof(LongEncoderDecoder), nameof(DropoutSeq2Seq),
        // Attention over one-way and bidirectional encoders: each row attends over its own source lane's encoded outputs.
        nameof(DotAttentionLstmBiEncoder), nameof(GeneralAttentionGruBiEncoder), nameof(AdditiveAttentionRnnBiEncoder),
        nameof(AdditiveAttentionLstm), nameof(GeneralAttentionProjectedLstmBiEncoder),
        // Input feeding: each row's state carries its h̃ to its next step.
        nameof(FedDotAttentionLstmStack), nameof(FedGeneralAttentionGruBiEncoder), nameof(FedAdditiveAttentionRnnStack), nameof(FedAdditiveAttentionProjectedLstm),
    };

    public static TheoryData<string> VectorModels => new()
    {
        nameof(LstmOneToManyVectorLinear), nameof(GruOneToManyVectorSigmoid), nameof(RnnOneToManyVectorLinear), nameof(VectorGenerator),
        nameof(LstmEncoderDecoderVectorLinear), nameof(GruEncoderDecoderTokenSigmoid), nameof(RnnEncoderDecoderTokenSigmoid),
        nameof(DropoutVectorGenerator), nameof(AdditiveAttentionGruLinear), nameof(DotAttentionLstmSigmoid), nameof(FedDotAttentionGruLinear),
    };

    private static IRnnModel<double> Create(string name) => name switch
    {
        nameof(LstmOneToManyOneHot) => new LstmOneToManyOneHot(3),
        nameof(LstmOneToManyEmbedding) => new LstmOneToManyEmbedding(4),
        nameof(GruOneToManyOneHot) => new GruOneToManyOneHot(5),
        nameof(RnnOneToManyEmbedding) => new RnnOneToManyEmbedding(6),
        nameof(StackOneToMany) => new StackOneToMany(7),
        nameof(BeamTinyOneToMany) => new BeamTinyOneToMany(8),
        nameof(LstmEncoderDecoderOneHot) => new LstmEncoderDecoderOneHot(9),
        nameof(GruEncoderDecoderEmbedding) => new GruEncoderDecoderEmbedding(10),
        nameof(RnnEncoderDecoderOneHot) => new RnnEncoderDecoderOneHot(11),
        nameof(LstmEncoderDecoderVectorSoftmax) => new LstmEncoderDecoderVectorSoftmax(12),
        nameof(GruEncoderDecoderVectorSoftmax) => new GruEncoderDecoderVectorSoftmax(13),
        nameof(StackEncoderDecoder) => new StackEncoderDecoder(14),
        nameof(SmallSeq2Seq) => new SmallSeq2Seq(15),
        nameof(BeamTiny) => new BeamTiny(16),
        nameof(ProjectedStepSeq2Seq) => new ProjectedStepSeq2Seq(17),
        nameof(LstmOneToManyVectorLinear) => new LstmOneToManyVectorLinear(18),
        nameof(GruOneToManyVectorSigmoid) => new GruOneToManyVectorSigmoid(19),
        nameof(RnnOneToManyVectorLinear) => new RnnOneToManyVectorLinear(20),
        nameof(VectorGenerator) => new VectorGenerator(21),
        nameof(LstmEncoderDecoderVectorLinear) => new LstmEncoderDecoderVectorLinear(22),
        nameof(GruEncoderDecoderTokenSigmoid) => new GruEncoderDecoderTokenSigmoid(23),
        nameof(RnnEncoderDecoderTokenSigmoid) => new RnnEncoderDecoderTokenSigmoid(24),
        nameof(LongEncoderDecoder) => new LongEncoderDecoder(25), // Batch 1: decoding's products are single rows too
        nameof(DropoutSeq2Seq) => new DropoutSeq2Seq(26),         // training mode: decoding and decoder steps drop nothing
        nameof(DropoutVectorGenerator) => new DropoutVectorGenerator(27),
        nameof(DotAttentionLstmBiEncoder) => new DotAttentionLstmBiEncoder(28),
        nameof(GeneralAttentionGruBiEncoder) => new GeneralAttentionGruBiEncoder(29),
        nameof(AdditiveAttentionRnnBiEncoder) => new AdditiveAttentionRnnBiEncoder(30),
        nameof(AdditiveAttentionLstm) => new AdditiveAttentionLstm(31),
        nameof(GeneralAttentionProjectedLstmBiEncoder) => new GeneralAttentionProjectedLstmBiEncoder(32),
        nameof(AdditiveAttentionGruLinear) => new AdditiveAttentionGruLinear(33),
        nameof(DotAttentionLstmSigmoid) => new DotAttentionLstmSigmoid(34),
        nameof(FedDotAttentionLstmStack) => new FedDotAttentionLstmStack(35),
        nameof(FedGeneralAttentionGruBiEncoder) => new FedGeneralAttentionGruBiEncoder(36),
        nameof(FedAdditiveAttentionRnnStack) => new FedAdditiveAttentionRnnStack(37),
        nameof(FedAdditiveAttentionProjectedLstm) => new FedAdditiveAttentionProjectedLstm(38),
        nameof(FedDotAttentionGruLinear) => new FedDotAttentionGruLinear(39),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Row orders to check: every lane in order (one chunk), and a shuffle that repeats lanes over several chunks.</summary>
    private static int[][] RowOrders(int batch) =>
    [
        Enumerable.Range(0, batch).ToArray(),
        Enumerable.Range(0, 2 * batch + 1).Select(r => (r * 7 + batch - 1) % batch).ToArray(),
    ];

    internal static int[] Tokens(int count, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocabulary)).ToArray();
    }

    private static double[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Theory]
    [MemberData(nameof(TokenModels))]
    public void Token_decoder_steps_fed_the_greedy_tokens_equal_forward(string name)
    {
        using IRnnModel<double> model = Create(name);
        switch (model)
        {
            case ITokenGeneratingModel<double, int> m: TokenSteps(m, Tokens(m.Steps * m.Batch, m.InputSize, 1)); break;
            case ITokenGeneratingModel<double, double> m: TokenSteps(m, Values(m.Steps * m.Batch * m.InputSize, 1)); break;
            default: throw new InvalidOperationException(name);
        }
    }

    [Theory]
    [MemberData(nameof(VectorModels))]
    public void Vector_decoder_steps_fed_their_outputs_equal_forward(string name)
    {
        using IRnnModel<double> model = Create(name);
        switch (model)
        {
            case IGeneratingModel<double, int, double> m: VectorSteps(m, Tokens(m.Steps * m.Batch, m.InputSize, 2)); break;
            case IGeneratingModel<double, double, double> m: VectorSteps(m, Values(m.Steps * m.Batch * m.InputSize, 2)); break;
            default: throw new InvalidOperationException(name);
        }
    }

    /// <summary>Greedy Forward through the interface, then the same decoding by DecoderStep in every row order.</summary>
    private static void TokenSteps<TInput>(ITokenGeneratingModel<double, TInput> model, TInput[] inputs) where TInput : unmanaged
    {
        model.Forward(inputs);
        double[] expected = model.Output.ToArray();
        int[] generated = model.Generated.ToArray();
        model.Encode(inputs);
        CheckTokenSteps(model, expected, generated);
    }

    /// <summary>DecoderStep over every row order, fed lane l's greedy token of step t − 1, against Forward's Output of lane l at step t.</summary>
    internal static void CheckTokenSteps<T>(IDecoderStepModel<T, int> model, T[] expected, int[] generated) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int b = model.Batch, s = model.DecoderStateSize, v = model.OutputSize;
        foreach (int[] lanes in RowOrders(b))
        {
            int rows = lanes.Length;
            var states = new T[rows * s];
            var inputs = new int[rows];
            var outputs = new T[rows * v];
            for (int r = 0; r < rows; r++)
            {
                model.StartDecoder(lanes[r], states.AsSpan(r * s, s));
                model.StartInput(lanes[r], inputs.AsSpan(r, 1));
            }
            for (int t = 0; t < model.OutputSteps; t++)
            {
                model.DecoderStep(lanes, inputs, states, outputs);
                for (int r = 0; r < rows; r++)
                {
                    int lane = lanes[r];
                    Assert.Equal(expected.AsSpan((t * b + lane) * v, v).ToArray(), outputs.AsSpan(r * v, v).ToArray());
                    inputs[r] = generated[t * b + lane];
                }
            }
        }
    }

    private static void VectorSteps<TInput>(IGeneratingModel<double, TInput, double> model, TInput[] inputs) where TInput : unmanaged
    {
        model.Forward(inputs);
        double[] expected = model.Output.ToArray();
        model.Encode(inputs);
        int b = model.Batch, s = model.DecoderStateSize, v = model.OutputSize, w = model.DecoderInputWidth;
        Assert.Equal(v, w);
        foreach (int[] lanes in RowOrders(b))
        {
            int rows = lanes.Length;
            var states = new double[rows * s];
            var stepInputs = new double[rows * w];
            var outputs = new double[rows * v];
            for (int r = 0; r < rows; r++)
            {
                model.StartDecoder(lanes[r], states.AsSpan(r * s, s));
                model.StartInput(lanes[r], stepInputs.AsSpan(r * w, w));
            }
            for (int t = 0; t < model.OutputSteps; t++)
            {
                model.DecoderStep(lanes, stepInputs, states, outputs);
                for (int r = 0; r < rows; r++)
                    Assert.Equal(expected.AsSpan((t * b + lanes[r]) * v, v).ToArray(), outputs.AsSpan(r * v, v).ToArray());
                outputs.CopyTo(stepInputs, 0); // each output is the row's next input
            }
        }
    }

    [Fact]
    public void Generate_through_the_interface_is_forward_at_temperature_zero_and_draws_otherwise()
    {
        using var model = new StackEncoderDecoder(60);
        ITokenGeneratingModel<double, int> generic = model;
        int[] source = Tokens(generic.Steps * generic.Batch, generic.InputSize, 61);
        generic.Forward(source);
        int[] greedy = generic.Generated.ToArray();
        generic.Generate(source, 0.0, new Xoshiro256StarStar(1));
        Assert.Equal(greedy, generic.Generated.ToArray());
        generic.Generate(source, 0.0, new Xoshiro256StarStar(1), topK: 2, topP: 0.9);
        Assert.Equal(greedy, generic.Generated.ToArray());
        Assert.All(generic.GeneratedLengths.ToArray(), length => Assert.Equal(generic.OutputSteps, length));
        generic.Generate(source, 1.0, new Xoshiro256StarStar(2), topK: 1, topP: 1.0); // top-1 is greedy at any temperature
        Assert.Equal(greedy, generic.Generated.ToArray());
        // The decoder step continues what Generate drew: Generated fed back reproduces Output.
        generic.Generate(source, 1.5, new Xoshiro256StarStar(3));
        double[] expected = generic.Output.ToArray();
        int[] drawn = generic.Generated.ToArray();
        generic.Encode(source);
        CheckTokenSteps(generic, expected, drawn);
    }

    [Fact]
    public void After_a_decoder_step_loss_and_backward_need_a_new_pass()
    {
        using var model = new SmallSeq2Seq(70);
        int[] source = Tokens(SmallSeq2Seq.Steps * SmallSeq2Seq.Batch, SmallSeq2Seq.InputSize, 71);
        int[] targets = Tokens(SmallSeq2Seq.OutputSteps * SmallSeq2Seq.Batch, SmallSeq2Seq.OutputSize, 72);
        model.Forward(source, targets);
        double loss = model.Loss(targets);
        model.Encode(source);
        Assert.Throws<InvalidOperationException>(() => model.Loss(targets));
        Assert.Throws<InvalidOperationException>(() => model.Backward(targets));
        model.Forward(source, targets);
        Assert.Equal(loss, model.Loss(targets));
        var state = new double[SmallSeq2Seq.DecoderStateSize];
        model.StartDecoder(0, state);
        model.DecoderStep([0], [SmallSeq2Seq.StartToken], state, new double[SmallSeq2Seq.OutputSize]);
        Assert.Throws<InvalidOperationException>(() => model.Backward(targets));
    }

    [Fact]
    public void Single_precision_decoder_steps_equal_forward_too()
    {
        using var model = new ReverseSeq2SeqWithEnd(80);
        int[] source = Tokens(ReverseSeq2SeqWithEnd.Steps * ReverseSeq2SeqWithEnd.Batch, ReverseSeq2SeqWithEnd.InputSize, 81);
        model.Forward(source);
        float[] expected = model.Output.ToArray();
        int[] generated = model.Generated.ToArray();
        model.Encode(source);
        CheckTokenSteps(model, expected, generated);

        using var counting = new CountingGenerator(82);
        int[] first = Tokens(CountingGenerator.Batch, CountingGenerator.InputSize, 83);
        counting.Forward(first);
        expected = counting.Output.ToArray();
        generated = counting.Generated.ToArray();
        counting.Encode(first);
        CheckTokenSteps(counting, expected, generated);
    }

    [Fact]
    public void Start_states_are_the_initial_state_rows_or_the_encoders_final_state()
    {
        // One-to-many: the InitialState row of the lane, and the encoded token.
        using var oneToMany = new StackOneToMany(3);
        double[] initial = Values(StackOneToMany.StateSize, 5);
        initial.CopyTo(oneToMany.InitialState);
        oneToMany.Encode([2, 0, 3]);
        var state = new double[StackOneToMany.DecoderStateSize];
        var token = new int[1];
        oneToMany.StartDecoder(1, state);
        oneToMany.StartInput(1, token);
        Assert.Equal(0, token[0]);
        // Layer 0 (LSTM, 3): h, then layer 1 (GRU, 2): h, then layer 0's c.
        Assert.Equal(initial.AsSpan(1 * 3, 3).ToArray(), state.AsSpan(0, 3).ToArray());
        Assert.Equal(initial.AsSpan(9 + 1 * 2, 2).ToArray(), state.AsSpan(3, 2).ToArray());
        Assert.Equal(initial.AsSpan(15 + 1 * 3, 3).ToArray(), state.AsSpan(5, 3).ToArray());

        // Encoder–decoder: the start token, and the encoder's final state (the decoder's initial state in Forward).
        using var seq2seq = new LstmEncoderDecoderOneHot(6);
        int[] source = Tokens(LstmEncoderDecoderOneHot.Steps * LstmEncoderDecoderOneHot.Batch, LstmEncoderDecoderOneHot.InputSize, 7);
        seq2seq.Encode(source);
        seq2seq.StartInput(0, token);
        Assert.Equal(LstmEncoderDecoderOneHot.StartToken, token[0]);
        Assert.Equal(LstmEncoderDecoderOneHot.OutputSize + 1, LstmEncoderDecoderOneHot.DecoderInputSize);
    }

    [Fact]
    public void Source_lengths_start_each_lane_from_its_last_real_step()
    {
        using var model = new LstmEncoderDecoderOneHot(30);
        int[] tokens = Tokens(LstmEncoderDecoderOneHot.Steps * LstmEncoderDecoderOneHot.Batch, LstmEncoderDecoderOneHot.InputSize, 31);
        foreach (int[] lengths in new[] { new[] { 3, 1 }, new[] { 0, 2 }, new[] { 2, 3 } })
        {
            model.Generate(tokens, lengths, temperature: 0, new Xoshiro256StarStar(1));
            double[] expected = model.Output.ToArray();
            int[] generated = model.Generated.ToArray();
            // Padded source steps are never read: change them, the decoder steps do not change.
            int[] padded = (int[])tokens.Clone();
            for (int t = 0; t < LstmEncoderDecoderOneHot.Steps; t++)
                for (int b = 0; b < LstmEncoderDecoderOneHot.Batch; b++)
                    if (t >= lengths[b]) padded[t * LstmEncoderDecoderOneHot.Batch + b] = (padded[t * LstmEncoderDecoderOneHot.Batch + b] + 1) % LstmEncoderDecoderOneHot.InputSize;
            IEncoderDecoderModel<double, int, int> generic = model;
            generic.Encode(padded, lengths);
            CheckTokenSteps(model, expected, generated);
        }
    }

    [Fact]
    public void Stacked_encoder_decoder_with_source_lengths_matches_generate()
    {
        using var model = new StackEncoderDecoder(40);
        int[] tokens = Tokens(StackEncoderDecoder.Steps * StackEncoderDecoder.Batch, StackEncoderDecoder.InputSize, 41);
        int[] lengths = [4, 2];
        model.Generate(tokens, lengths, temperature: 0, new Xoshiro256StarStar(1));
        double[] expected = model.Output.ToArray();
        int[] generated = model.Generated.ToArray();
        model.Encode(tokens, lengths);
        CheckTokenSteps(model, expected, generated);
    }

    /// <summary>
    /// Attention over sources of different lengths, an unused lane among them: the steps equal <c>Generate</c> bit for bit,
    /// and a pass over other sources between <c>Encode</c> and the steps changes nothing (the steps read what Encode kept).
    /// </summary>
    [Fact]
    public void Attention_with_source_lengths_matches_generate_and_keeps_its_encoding()
    {
        using var model = new GeneralAttentionGruBiEncoder(42);
        int[] tokens = Tokens(GeneralAttentionGruBiEncoder.Steps * GeneralAttentionGruBiEncoder.Batch, GeneralAttentionGruBiEncoder.InputSize, 43);
        int[] lengths = [2, 0, 4];
        model.Generate(tokens, lengths, temperature: 0, new Xoshiro256StarStar(1));
        double[] expected = model.Output.ToArray();
        int[] generated = model.Generated.ToArray();
        model.Encode(tokens, lengths);
        CheckTokenSteps(model, expected, generated);

        int[] other = Tokens(tokens.Length, GeneralAttentionGruBiEncoder.InputSize, 44);
        model.Generate(other, [4, 3, 1], temperature: 0, new Xoshiro256StarStar(1));
        Assert.NotEqual(expected, model.Output.ToArray());
        CheckTokenSteps(model, expected, generated);
    }

    [Fact]
    public void Decoder_steps_with_attention_allocate_nothing()
    {
        using var model = new FloatGeneralAttentionGru(3);
        model.Encode(Tokens(FloatGeneralAttentionGru.Steps * FloatGeneralAttentionGru.Batch, FloatGeneralAttentionGru.InputSize, 3), [5, 0, 2]);
        int rows = 2 * FloatGeneralAttentionGru.Batch + 1;
        int[] lanes = Enumerable.Range(0, rows).Select(r => r % FloatGeneralAttentionGru.Batch).ToArray();
        int[] inputs = Enumerable.Range(0, rows).Select(r => r % FloatGeneralAttentionGru.DecoderInputSize).ToArray();
        var states = new float[rows * FloatGeneralAttentionGru.DecoderStateSize];
        var outputs = new float[rows * FloatGeneralAttentionGru.OutputSize];
        Assert.Equal(0, Allocated(() => model.DecoderStep(lanes, inputs, states, outputs)));
        var beam = new Inference.BeamSearch<float>(model, beamWidth: 3, resultCount: 2, lengthPenalty: 0.6);
        Assert.Equal(0, Allocated(() => beam.Search(2)));
    }

    [Fact]
    public void Decoder_steps_allocate_nothing()
    {
        using var tokens = new CountingGenerator(1);
        tokens.Encode(Tokens(CountingGenerator.Steps * CountingGenerator.Batch, CountingGenerator.InputSize, 1));
        int rows = 2 * CountingGenerator.Batch + 3;
        int[] lanes = Enumerable.Range(0, rows).Select(r => r % CountingGenerator.Batch).ToArray();
        int[] inputs = Enumerable.Range(0, rows).Select(r => r % CountingGenerator.InputSize).ToArray();
        var states = new float[rows * CountingGenerator.DecoderStateSize];
        var outputs = new float[rows * CountingGenerator.OutputSize];
        Assert.Equal(0, Allocated(() => tokens.DecoderStep(lanes, inputs, states, outputs)));
        Assert.Equal(0, Allocated(() => tokens.StartDecoder(1, states.AsSpan(0, CountingGenerator.DecoderStateSize))));

        using var vectors = new FloatVectorSeq2Seq(2);
        vectors.Encode(new float[FloatVectorSeq2Seq.Steps * FloatVectorSeq2Seq.Batch * FloatVectorSeq2Seq.InputSize]);
        int vectorRows = FloatVectorSeq2Seq.Batch + 1;
        int[] vectorLanes = Enumerable.Range(0, vectorRows).Select(r => r % FloatVectorSeq2Seq.Batch).ToArray();
        var vectorInputs = new float[vectorRows * FloatVectorSeq2Seq.DecoderInputSize];
        var vectorStates = new float[vectorRows * FloatVectorSeq2Seq.DecoderStateSize];
        var vectorOutputs = new float[vectorRows * FloatVectorSeq2Seq.OutputSize];
        Assert.Equal(0, Allocated(() => vectors.DecoderStep(vectorLanes, vectorInputs, vectorStates, vectorOutputs)));
    }

    [Fact]
    public void Bad_arguments_throw_and_change_nothing()
    {
        using var model = new StackEncoderDecoder(50);
        int s = StackEncoderDecoder.DecoderStateSize, v = StackEncoderDecoder.OutputSize;
        var state = new double[s];
        var outputs = new double[v];
        var input = new int[1];
        Assert.Throws<InvalidOperationException>(() => model.DecoderStep([0], [0], state, outputs));
        Assert.Throws<InvalidOperationException>(() => model.StartDecoder(0, state));
        Assert.Throws<InvalidOperationException>(() => model.StartInput(0, input));

        int[] tokens = Tokens(StackEncoderDecoder.Steps * StackEncoderDecoder.Batch, StackEncoderDecoder.InputSize, 51);
        Assert.Throws<ArgumentException>(() => model.Encode(tokens.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => model.Encode([.. tokens[..^1], StackEncoderDecoder.InputSize]));
        Assert.Throws<ArgumentException>(() => model.Encode(tokens, [5, 1]));
        Assert.Throws<InvalidOperationException>(() => model.StartDecoder(0, state)); // the failed calls encoded nothing
        model.Encode(tokens);
        model.StartDecoder(1, state);
        double[] before = (double[])state.Clone();
        Array.Fill(outputs, 7.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.StartDecoder(StackEncoderDecoder.Batch, state));
        Assert.Throws<ArgumentException>(() => model.StartDecoder(0, new double[s + 1]));
        Assert.Throws<ArgumentException>(() => model.StartInput(0, new int[2]));
        Assert.Throws<ArgumentException>(() => model.DecoderStep([StackEncoderDecoder.Batch], [0], state, outputs));
        Assert.Throws<ArgumentException>(() => model.DecoderStep([-1], [0], state, outputs));
        Assert.Throws<ArgumentException>(() => model.DecoderStep([0], [StackEncoderDecoder.DecoderInputSize], state, outputs));
        Assert.Throws<ArgumentException>(() => model.DecoderStep([0], [-1], state, outputs));
        Assert.Throws<ArgumentException>(() => model.DecoderStep([0, 1], [0], state, outputs));
        Assert.Throws<ArgumentException>(() => model.DecoderStep([0], [0], new double[s - 1], outputs));
        Assert.Throws<ArgumentException>(() => model.DecoderStep([0], [0], state, new double[v + 1]));
        Assert.Equal(before, state);
        Assert.All(outputs, o => Assert.Equal(7.0, o));
        // The start token is a valid decoder input; zero rows are a valid (empty) step.
        model.DecoderStep([1], [StackEncoderDecoder.StartToken], state, outputs);
        model.DecoderStep([], [], [], []);

        using var vectors = new LstmEncoderDecoderVectorLinear(52);
        vectors.Encode(Values(LstmEncoderDecoderVectorLinear.Steps * LstmEncoderDecoderVectorLinear.Batch * LstmEncoderDecoderVectorLinear.InputSize, 53));
        var vectorState = new double[LstmEncoderDecoderVectorLinear.DecoderStateSize];
        var vectorOutputs = new double[LstmEncoderDecoderVectorLinear.OutputSize];
        var nan = new double[LstmEncoderDecoderVectorLinear.DecoderInputSize];
        nan[1] = double.NaN;
        Assert.Throws<ArgumentException>(() => vectors.DecoderStep([0], nan, vectorState, vectorOutputs));
        Assert.Throws<ArgumentException>(() => vectors.DecoderStep([0], new double[LstmEncoderDecoderVectorLinear.DecoderInputSize + 1], vectorState, vectorOutputs));
    }
}
