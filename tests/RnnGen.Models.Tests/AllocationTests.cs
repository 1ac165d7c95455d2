using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>After construction and a first call, the hot paths allocate nothing.</summary>
public class AllocationTests
{
    private static long Allocated(Action action)
    {
        action(); // first call: JIT, lazily allocated optimizer state
        for (int i = 0; i < 3; i++) action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public static TheoryData<string> Models => new() { "CharLstm", "EmbeddingLstmLm", "VectorGruTagger", "VectorRnnRegression" };

    private static IRnnModel<float> Create(string name) => name switch
    {
        "CharLstm" => new CharLstm(),
        "EmbeddingLstmLm" => new EmbeddingLstmLm(),
        "VectorGruTagger" => new VectorGruTagger(),
        _ => new VectorRnnRegression(),
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
            case CharLstm m: m.TrainStep(d.Tokens, d.ClassTargets, optimizer, 5f); break;
            case EmbeddingLstmLm m: m.TrainStep(d.Tokens, d.ClassTargets, optimizer, 5f); break;
            case VectorGruTagger m: m.TrainStep(d.Inputs, d.ValueTargets, optimizer, 5f); break;
            case VectorRnnRegression m: m.TrainStep(d.Inputs, d.ValueTargets, optimizer); break;
        }
    }
}
