namespace RnnGen.Models.Tests.Models;

/// <summary>Every model of GradientCheckModels.cs by name (names keep xunit's theory cases separate).</summary>
public static class GradientCheckCases
{
    public static readonly IReadOnlyDictionary<string, Func<IRnnModel<double>>> Create = new Dictionary<string, Func<IRnnModel<double>>>
    {
        ["LstmManyToManyOneHotSoftmax"] = () => new LstmManyToManyOneHotSoftmax(7),
        ["LstmManyToManyOneHotLinear"] = () => new LstmManyToManyOneHotLinear(7),
        ["LstmManyToManyOneHotSigmoid"] = () => new LstmManyToManyOneHotSigmoid(7),
        ["LstmManyToManyEmbeddingSoftmax"] = () => new LstmManyToManyEmbeddingSoftmax(7),
        ["LstmManyToManyEmbeddingLinear"] = () => new LstmManyToManyEmbeddingLinear(7),
        ["LstmManyToManyEmbeddingSigmoid"] = () => new LstmManyToManyEmbeddingSigmoid(7),
        ["LstmManyToManyVectorSoftmax"] = () => new LstmManyToManyVectorSoftmax(7),
        ["LstmManyToManyVectorLinear"] = () => new LstmManyToManyVectorLinear(7),
        ["LstmManyToManyVectorSigmoid"] = () => new LstmManyToManyVectorSigmoid(7),
        ["LstmManyToOneOneHotSoftmax"] = () => new LstmManyToOneOneHotSoftmax(7),
        ["LstmManyToOneOneHotLinear"] = () => new LstmManyToOneOneHotLinear(7),
        ["LstmManyToOneOneHotSigmoid"] = () => new LstmManyToOneOneHotSigmoid(7),
        ["LstmManyToOneEmbeddingSoftmax"] = () => new LstmManyToOneEmbeddingSoftmax(7),
        ["LstmManyToOneEmbeddingLinear"] = () => new LstmManyToOneEmbeddingLinear(7),
        ["LstmManyToOneEmbeddingSigmoid"] = () => new LstmManyToOneEmbeddingSigmoid(7),
        ["LstmManyToOneVectorSoftmax"] = () => new LstmManyToOneVectorSoftmax(7),
        ["LstmManyToOneVectorLinear"] = () => new LstmManyToOneVectorLinear(7),
        ["LstmManyToOneVectorSigmoid"] = () => new LstmManyToOneVectorSigmoid(7),
        ["GruManyToManyOneHotSoftmax"] = () => new GruManyToManyOneHotSoftmax(7),
        ["GruManyToManyOneHotLinear"] = () => new GruManyToManyOneHotLinear(7),
        ["GruManyToManyOneHotSigmoid"] = () => new GruManyToManyOneHotSigmoid(7),
        ["GruManyToManyEmbeddingSoftmax"] = () => new GruManyToManyEmbeddingSoftmax(7),
        ["GruManyToManyEmbeddingLinear"] = () => new GruManyToManyEmbeddingLinear(7),
        ["GruManyToManyEmbeddingSigmoid"] = () => new GruManyToManyEmbeddingSigmoid(7),
        ["GruManyToManyVectorSoftmax"] = () => new GruManyToManyVectorSoftmax(7),
        ["GruManyToManyVectorLinear"] = () => new GruManyToManyVectorLinear(7),
        ["GruManyToManyVectorSigmoid"] = () => new GruManyToManyVectorSigmoid(7),
        ["GruManyToOneOneHotSoftmax"] = () => new GruManyToOneOneHotSoftmax(7),
        ["GruManyToOneOneHotLinear"] = () => new GruManyToOneOneHotLinear(7),
        ["GruManyToOneOneHotSigmoid"] = () => new GruManyToOneOneHotSigmoid(7),
        ["GruManyToOneEmbeddingSoftmax"] = () => new GruManyToOneEmbeddingSoftmax(7),
        ["GruManyToOneEmbeddingLinear"] = () => new GruManyToOneEmbeddingLinear(7),
        ["GruManyToOneEmbeddingSigmoid"] = () => new GruManyToOneEmbeddingSigmoid(7),
        ["GruManyToOneVectorSoftmax"] = () => new GruManyToOneVectorSoftmax(7),
        ["GruManyToOneVectorLinear"] = () => new GruManyToOneVectorLinear(7),
        ["GruManyToOneVectorSigmoid"] = () => new GruManyToOneVectorSigmoid(7),
        ["RnnManyToManyOneHotSoftmax"] = () => new RnnManyToManyOneHotSoftmax(7),
        ["RnnManyToManyOneHotLinear"] = () => new RnnManyToManyOneHotLinear(7),
        ["RnnManyToManyOneHotSigmoid"] = () => new RnnManyToManyOneHotSigmoid(7),
        ["RnnManyToManyEmbeddingSoftmax"] = () => new RnnManyToManyEmbeddingSoftmax(7),
        ["RnnManyToManyEmbeddingLinear"] = () => new RnnManyToManyEmbeddingLinear(7),
        ["RnnManyToManyEmbeddingSigmoid"] = () => new RnnManyToManyEmbeddingSigmoid(7),
        ["RnnManyToManyVectorSoftmax"] = () => new RnnManyToManyVectorSoftmax(7),
        ["RnnManyToManyVectorLinear"] = () => new RnnManyToManyVectorLinear(7),
        ["RnnManyToManyVectorSigmoid"] = () => new RnnManyToManyVectorSigmoid(7),
        ["RnnManyToOneOneHotSoftmax"] = () => new RnnManyToOneOneHotSoftmax(7),
        ["RnnManyToOneOneHotLinear"] = () => new RnnManyToOneOneHotLinear(7),
        ["RnnManyToOneOneHotSigmoid"] = () => new RnnManyToOneOneHotSigmoid(7),
        ["RnnManyToOneEmbeddingSoftmax"] = () => new RnnManyToOneEmbeddingSoftmax(7),
        ["RnnManyToOneEmbeddingLinear"] = () => new RnnManyToOneEmbeddingLinear(7),
        ["RnnManyToOneEmbeddingSigmoid"] = () => new RnnManyToOneEmbeddingSigmoid(7),
        ["RnnManyToOneVectorSoftmax"] = () => new RnnManyToOneVectorSoftmax(7),
        ["RnnManyToOneVectorLinear"] = () => new RnnManyToOneVectorLinear(7),
        ["RnnManyToOneVectorSigmoid"] = () => new RnnManyToOneVectorSigmoid(7),
        ["MixedStackVectorLinear"] = () => new MixedStackVectorLinear(7),
        ["TwoLstmEmbeddingClassifier"] = () => new TwoLstmEmbeddingClassifier(7),
        ["ReluStackVectorLinear"] = () => new ReluStackVectorLinear(7),
        ["LongGruLstm"] = () => new LongGruLstm(7),
        ["BiLstmManyToManyVectorSoftmax"] = () => new BiLstmManyToManyVectorSoftmax(7),
        ["BiLstmManyToOneVectorSoftmax"] = () => new BiLstmManyToOneVectorSoftmax(7),
        ["BiGruManyToManyVectorSoftmax"] = () => new BiGruManyToManyVectorSoftmax(7),
        ["BiGruManyToOneVectorSoftmax"] = () => new BiGruManyToOneVectorSoftmax(7),
        ["BiRnnManyToManyVectorSoftmax"] = () => new BiRnnManyToManyVectorSoftmax(7),
        ["BiRnnManyToOneVectorSoftmax"] = () => new BiRnnManyToOneVectorSoftmax(7),
        ["BiLstmOverGruEmbeddingLinear"] = () => new BiLstmOverGruEmbeddingLinear(7),
        ["GruOverBiRnnOneHotSigmoidManyToOne"] = () => new GruOverBiRnnOneHotSigmoidManyToOne(7),
        ["BiGruStackManyToOneOneStep"] = () => new BiGruStackManyToOneOneStep(7),
        ["BiLstmLongOneHot"] = () => new BiLstmLongOneHot(7),
        ["LstmOneToManyOneHot"] = () => new LstmOneToManyOneHot(7),
        ["LstmOneToManyEmbedding"] = () => new LstmOneToManyEmbedding(7),
        ["LstmOneToManyVectorLinear"] = () => new LstmOneToManyVectorLinear(7),
        ["LstmOneToManyVectorSigmoid"] = () => new LstmOneToManyVectorSigmoid(7),
        ["LstmEncoderDecoderOneHot"] = () => new LstmEncoderDecoderOneHot(7),
        ["LstmEncoderDecoderEmbedding"] = () => new LstmEncoderDecoderEmbedding(7),
        ["LstmEncoderDecoderVectorSoftmax"] = () => new LstmEncoderDecoderVectorSoftmax(7),
        ["LstmEncoderDecoderVectorLinear"] = () => new LstmEncoderDecoderVectorLinear(7),
        ["LstmEncoderDecoderTokenSigmoid"] = () => new LstmEncoderDecoderTokenSigmoid(7),
        ["GruOneToManyOneHot"] = () => new GruOneToManyOneHot(7),
        ["GruOneToManyEmbedding"] = () => new GruOneToManyEmbedding(7),
        ["GruOneToManyVectorLinear"] = () => new GruOneToManyVectorLinear(7),
        ["GruOneToManyVectorSigmoid"] = () => new GruOneToManyVectorSigmoid(7),
        ["GruEncoderDecoderOneHot"] = () => new GruEncoderDecoderOneHot(7),
        ["GruEncoderDecoderEmbedding"] = () => new GruEncoderDecoderEmbedding(7),
        ["GruEncoderDecoderVectorSoftmax"] = () => new GruEncoderDecoderVectorSoftmax(7),
        ["GruEncoderDecoderVectorLinear"] = () => new GruEncoderDecoderVectorLinear(7),
        ["GruEncoderDecoderTokenSigmoid"] = () => new GruEncoderDecoderTokenSigmoid(7),
        ["RnnOneToManyOneHot"] = () => new RnnOneToManyOneHot(7),
        ["RnnOneToManyEmbedding"] = () => new RnnOneToManyEmbedding(7),
        ["RnnOneToManyVectorLinear"] = () => new RnnOneToManyVectorLinear(7),
        ["RnnOneToManyVectorSigmoid"] = () => new RnnOneToManyVectorSigmoid(7),
        ["RnnEncoderDecoderOneHot"] = () => new RnnEncoderDecoderOneHot(7),
        ["RnnEncoderDecoderEmbedding"] = () => new RnnEncoderDecoderEmbedding(7),
        ["RnnEncoderDecoderVectorSoftmax"] = () => new RnnEncoderDecoderVectorSoftmax(7),
        ["RnnEncoderDecoderVectorLinear"] = () => new RnnEncoderDecoderVectorLinear(7),
        ["RnnEncoderDecoderTokenSigmoid"] = () => new RnnEncoderDecoderTokenSigmoid(7),
        ["StackEncoderDecoder"] = () => new StackEncoderDecoder(7),
        ["StackOneToMany"] = () => new StackOneToMany(7),
        ["LongEncoderDecoder"] = () => new LongEncoderDecoder(7),
        ["SharedBlocksBiLstmVector"] = () => new SharedBlocksBiLstmVector(7),
        ["SharedBlocksGruBiRnnOneHot"] = () => new SharedBlocksGruBiRnnOneHot(7),
        ["SharedBlocksEncoderDecoder"] = () => new SharedBlocksEncoderDecoder(7),
        ["LeakyRnnManyToManyVectorLinear"] = () => new LeakyRnnManyToManyVectorLinear(7),
        ["LearnedLeakRnnManyToOneOneHotSoftmax"] = () => new LearnedLeakRnnManyToOneOneHotSoftmax(7),
        ["LearnedLeakReluRnnBatchOne"] = () => new LearnedLeakReluRnnBatchOne(7),
        ["LeakyBiRnnStackVectorSoftmax"] = () => new LeakyBiRnnStackVectorSoftmax(7),
        ["LearnedLeakBiRnnOverGruManyToOne"] = () => new LearnedLeakBiRnnOverGruManyToOne(7),
        ["LeakyRnnOneToManyOneHot"] = () => new LeakyRnnOneToManyOneHot(7),
        ["LeakyRnnEncoderDecoderVectorSoftmax"] = () => new LeakyRnnEncoderDecoderVectorSoftmax(7),
        ["SharedBlocksLearnedLeakBiRnn"] = () => new SharedBlocksLearnedLeakBiRnn(7),
        ["LstmpManyToManyVectorSoftmax"] = () => new LstmpManyToManyVectorSoftmax(7),
        ["LstmpBiManyToOneVectorLinear"] = () => new LstmpBiManyToOneVectorLinear(7),
        ["LstmpMixedStackEmbeddingSigmoid"] = () => new LstmpMixedStackEmbeddingSigmoid(7),
        ["LstmpStackManyToOneOneHot"] = () => new LstmpStackManyToOneOneHot(7),
        ["LstmpLongBatchOne"] = () => new LstmpLongBatchOne(7),
        ["LstmpOneToManyVectorLinear"] = () => new LstmpOneToManyVectorLinear(7),
        ["LstmpEncoderDecoderOneHot"] = () => new LstmpEncoderDecoderOneHot(7),
    };

    /// <summary>
    /// Cases whose smallest gradients sit near the finite difference's rounding noise (about ε·|loss|/h ≈ 1e-12 here): the
    /// bottom of a four-layer stack gets gradients of 1e-7, where 1e-12 of noise is 1e-6 of the relative error's floor, and
    /// which paths' rounding lands on either side of it. Differences below the value given count as agreement.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> AbsoluteNoise = new Dictionary<string, double>
    {
        ["LstmpMixedStackEmbeddingSigmoid"] = 1e-11,
    };

    public static TheoryData<string> Names => new(Create.Keys);

    /// <summary>Models that run lanes of different lengths (many-to-many and many-to-one).</summary>
    public static TheoryData<string> LengthNames => new(Create.Where(c => IsVariableLength(c.Value())).Select(c => c.Key));

    /// <summary>Generating models (one-to-many, encoder–decoder), whose teacher-forced passes take target lengths.</summary>
    public static TheoryData<string> GeneratingNames => new(Create.Where(c => c.Value().GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGeneratingModel<,,>))).Select(c => c.Key));

    /// <summary>Encoder–decoder models, whose encoders take source lengths.</summary>
    public static TheoryData<string> EncoderDecoderNames => new(Create.Where(c => c.Value().GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEncoderDecoderModel<,,>))).Select(c => c.Key));

    /// <summary>Vector-input models that run lanes of different lengths.</summary>
    public static TheoryData<string> VectorLengthNames => new(Create.Where(c => c.Value() is IVectorInputModel<double> m && IsVariableLength(m)).Select(c => c.Key));

    private static bool IsVariableLength(IRnnModel<double> model) =>
        model.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IVariableLengthModel<,,>));

    /// <summary>Vector-input models, whose input gradients are checked too.</summary>
    public static TheoryData<string> VectorNames => new(Create.Where(c => c.Value() is IVectorInputModel<double>).Select(c => c.Key));
}
