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
    };

    public static TheoryData<string> Names => new(Create.Keys);

    /// <summary>Vector-input models, whose input gradients are checked too.</summary>
    public static TheoryData<string> VectorNames => new(Create.Where(c => c.Value() is IVectorInputModel<double>).Select(c => c.Key));
}
