using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>After construction and a first call, the hot paths allocate nothing.</summary>
public class AllocationTests
{
    private static long Allocated(Action action) => RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(action);

    // Every topology: many-to-many, many-to-one, bidirectional (a GRU tagger and a two-layer LSTM regressor),
    // one-to-many and encoder–decoder (teacher-forced, the path Loss, Backward and TrainStep follow).
    public static TheoryData<string> Models => new()
    {
        "CharLstm", "EmbeddingLstmLm", "VectorGruTagger", "VectorRnnRegression",
        "NextTokenTagger", "OnnxBiLstmRegressor",
        "CountingGenerator", "FloatVectorGenerator", "ReverseSeq2Seq", "FloatVectorSeq2Seq",
        "LeakyAllocationModel", "FloatGeneralAttentionGru", "FloatFedAttentionLstm",
    };

    private static IRnnModel<float> Create(string name) => name switch
    {
        "CharLstm" => new CharLstm(),
        "EmbeddingLstmLm" => new EmbeddingLstmLm(),
        "VectorGruTagger" => new VectorGruTagger(),
        "VectorRnnRegression" => new VectorRnnRegression(),
        "NextTokenTagger" => new NextTokenTagger(),
        "OnnxBiLstmRegressor" => new OnnxBiLstmRegressor(),
        "CountingGenerator" => new CountingGenerator(),
        "FloatVectorGenerator" => new FloatVectorGenerator(),
        "ReverseSeq2Seq" => new ReverseSeq2Seq(),
        "FloatVectorSeq2Seq" => new FloatVectorSeq2Seq(),
        "LeakyAllocationModel" => new LeakyAllocationModel(),
        "FloatGeneralAttentionGru" => new FloatGeneralAttentionGru(),
        "FloatFedAttentionLstm" => new FloatFedAttentionLstm(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_loss_and_backward_allocate_nothing(string name)
    {
        var d = new ModelDriver<float>(Create(name), 1);
        Assert.Equal(0, Allocated(d.Forward));
        Assert.Equal(0, Allocated(() => d.Loss()));
        Assert.Equal(0, Allocated(d.ForwardBackward));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainStep_allocates_nothing(string name)
    {
        IRnnModel<float> model = Create(name);
        var d = new ModelDriver<float>(model, 1);
        var sgd = new Sgd<float>(0.01f, momentum: 0.9f);
        var adam = new Adam<float>(1e-3f);
        Assert.Equal(0, Allocated(() => Train(model, d, sgd)));
        Assert.Equal(0, Allocated(() => Train(model, d, adam)));
    }

    private static void Train(IRnnModel<float> model, ModelDriver<float> d, IOptimizer<float> optimizer)
    {
        switch (model)
        {
            // The generated methods themselves, with and without the default clipping argument.
            case CharLstm m: m.TrainStep(d.Tokens, d.ClassTargets, optimizer, 5f); break;
            case EmbeddingLstmLm m: m.TrainStep(d.Tokens, d.ClassTargets, optimizer, 5f); break;
            case VectorGruTagger m: m.TrainStep(d.Inputs, d.ValueTargets, optimizer, 5f); break;
            case VectorRnnRegression m: m.TrainStep(d.Inputs, d.ValueTargets, optimizer); break;
            case CountingGenerator m: m.TrainStep(d.Tokens, d.ClassTargets, optimizer); break;
            // The rest through ISupervisedModel, as a generic training loop calls them.
            default: d.TrainStep(optimizer, 5f); break;
        }
    }

    [Fact]
    public void Passes_with_lengths_allocate_nothing()
    {
        // Sorting the lanes, packing the inputs and targets, unpacking the output: all in buffers made once.
        var classifier = new LengthsTokenClassifier(1);
        var c = new ModelDriver<float>(classifier, 1).WithLengths(new[] { 12, 3, 0, 7, 1 });
        var tagger = new LengthsLongTagger(1);
        var t = new ModelDriver<float>(tagger, 1).WithLengths(new[] { 17, 40, 0, 33, 1, 25 });
        foreach (ModelDriver<float> d in new[] { c, t })
        {
            var adam = new Adam<float>(1e-3f);
            Assert.Equal(0, Allocated(d.Forward));
            Assert.Equal(0, Allocated(() => d.Loss()));
            Assert.Equal(0, Allocated(d.ForwardBackward));
            Assert.Equal(0, Allocated(() => d.TrainStep(adam, 5f)));
        }
        var sgd = new Sgd<float>(0.01f);
        Assert.Equal(0, Allocated(() => classifier.TrainStep(c.Tokens, c.ClassTargets, c.Lengths, sgd)));
    }

    [Fact]
    public void Encoder_decoder_passes_with_source_and_target_lengths_allocate_nothing()
    {
        var model = new SourceSix(1);
        var tokens = new int[6 * 4];
        var targets = new int[4 * 4];
        int[] sources = { 6, 2, 0, 4 }, lengths = { 4, 1, 0, 3 };
        var sgd = new Sgd<float>(0.01f);
        var random = new Xoshiro256StarStar(2);
        Assert.Equal(0, Allocated(() => model.Forward(tokens, targets, sources, lengths)));
        Assert.Equal(0, Allocated(() => model.TrainStep(tokens, targets, sources, lengths, sgd, 1f)));
        Assert.Equal(0, Allocated(() => model.Generate(tokens, sources, 0.5f, random)));
    }

    public static TheoryData<string> DecodingModels => new() { "CountingGenerator", "FloatVectorGenerator", "ReverseSeq2Seq", "FloatVectorSeq2Seq", "FloatGeneralAttentionGru", "FloatFedAttentionLstm" };

    [Theory]
    [MemberData(nameof(DecodingModels))]
    public void Free_running_forward_allocates_nothing(string name)
    {
        // Forward(input) without targets feeds each step's prediction (a token or the output vector) to the next.
        IRnnModel<float> model = Create(name);
        var d = new ModelDriver<float>(model, 2);
        Action forward = model is ITokenInputModel<float> tokens
            ? () => tokens.Forward(d.Tokens)
            : () => ((IVectorInputModel<float>)model).Forward(d.Inputs);
        Assert.Equal(0, Allocated(forward));
    }

    [Fact]
    public void Generate_allocates_nothing_at_any_temperature()
    {
        var counting = new CountingGenerator();
        var countingInput = new ModelDriver<float>(counting, 3).Tokens;
        var reverse = new ReverseSeq2Seq();
        var reverseInput = new ModelDriver<float>(reverse, 3).Tokens;
        var random = new Xoshiro256StarStar(4);
        foreach (float temperature in new[] { 0f, 0.5f, 1f, 2f })
        {
            Assert.Equal(0, Allocated(() => counting.Generate(countingInput, temperature, random)));
            Assert.Equal(0, Allocated(() => reverse.Generate(reverseInput, temperature, random)));
        }
    }

    public static TheoryData<string> SteppingModels => new() { "CharLstm", "EmbeddingLstmLm", "VectorGruTagger", "VectorRnnRegression", "CountingGenerator" };

    [Theory]
    [MemberData(nameof(SteppingModels))]
    public void Step_allocates_nothing(string name)
    {
        IRnnModel<float> model = Create(name);
        var d = new ModelDriver<float>(model, 5);
        int width = model.InputSize;
        Action step = () =>
        {
            // One step of every lane per call, so each row of the stepping state is touched in the warm-up and measured.
            for (int lane = 0; lane < model.Batch; lane++)
            {
                switch (model)
                {
                    case CharLstm m: m.Step(d.Tokens![lane], lane); break;
                    case EmbeddingLstmLm m: m.Step(d.Tokens![lane], lane); break;
                    case CountingGenerator m: m.Step(d.Tokens![lane], lane); break;
                    case VectorGruTagger m: m.Step(d.Inputs.AsSpan(lane * width, width), lane); break;
                    case VectorRnnRegression m: m.Step(d.Inputs.AsSpan(lane * width, width), lane); break;
                    default: throw new ArgumentException(name);
                }
            }
        };
        Assert.Equal(0, Allocated(step));
    }
}
