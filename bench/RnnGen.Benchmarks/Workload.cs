using RnnGen.Memory;
using RnnGen.Randomness;

namespace RnnGen.Benchmarks;

/// <summary>One configuration of the peer workload: a generated model with fixed random inputs and targets.</summary>
public sealed class Workload
{
    private Workload(IRnnModel<float> model, Action forward, Func<float> train, Action loss, Action backward, Action update)
    {
        if (model.Architecture.Layers.Count != 1)
            throw new ArgumentException($"The peer workload has one recurrent layer; {model.Architecture.Name} has {model.Architecture.Layers.Count}.", nameof(model));
        Model = model; Forward = forward; Train = train; Loss = loss; Backward = backward; Update = update;
    }

    /// <summary>The layer's cell as the peer scripts spell it (lstm, gru, rnn).</summary>
    public string Cell => Layer.Cell.ToString().ToLowerInvariant();
    public int Input => Model.InputSize;
    public int Hidden => Layer.Hidden;
    public int Steps => Model.Steps;
    public int Batch => Model.Batch;
    private LayerArchitecture Layer => Model.Architecture.Layers[0];
    public int Classes => Input;
    public IRnnModel<float> Model { get; }

    /// <summary>Forward pass with the softmax head (torch_peer.py's "forward").</summary>
    public Action Forward { get; }

    /// <summary>Zero grads, forward, loss, backward, clip to norm 5, SGD lr 0.01 (torch_peer.py's "train").</summary>
    public Func<float> Train { get; }

    /// <summary>The loss of the last forward pass (a phase of <see cref="Train"/>).</summary>
    public Action Loss { get; }

    /// <summary>Backward over the last forward pass (a phase of <see cref="Train"/>; needs a forward pass before each call).</summary>
    public Action Backward { get; }

    /// <summary>Clip to norm 5 and the SGD step (the last phase of <see cref="Train"/>).</summary>
    public Action Update { get; }

    public string Name => $"{Cell.ToUpperInvariant()} I={Input} H={Hidden} T={Steps} B={Batch}";

    /// <summary>Forward FLOPs as torch_peer.py counts them: T·B·(2·G·H·(I+H) + 2·H·C).</summary>
    public double ForwardFlops => (double)Steps * Batch * (2.0 * Gates * Hidden * (Input + Hidden) + 2.0 * Hidden * Classes);

    private int Gates => Layer.Gates;

    /// <summary>The model's bytes plus the SGD optimizer's (none without momentum).</summary>
    public MemoryFootprint Footprint => Model.Footprint;

    public static readonly string[] PeerConfigs =
    {
        "lstm-65-128-32-1", "lstm-65-128-32-16", "gru-65-128-32-16", "rnn-65-128-32-16", "lstm-128-256-64-16", "lstm-512-512-64-64",
    };

    /// <summary>The LSTM ones of <see cref="PeerConfigs"/>, which the phase breakdowns (forward-phases, backward-phases) time.</summary>
    public static readonly string[] LstmPeerConfigs = PeerConfigs.Where(c => c.StartsWith("lstm", StringComparison.Ordinal)).ToArray();

    public static Workload Create(string key) => key switch
    {
        "lstm-65-128-32-1" => Make(new Lstm_I65_H128_T32_B1(1), (m, x) => m.Forward(x), (m, x, y, o) => m.TrainStep(x, y, o, 5f)),
        "lstm-65-128-32-16" => Make(new Lstm_I65_H128_T32_B16(1), (m, x) => m.Forward(x), (m, x, y, o) => m.TrainStep(x, y, o, 5f)),
        "gru-65-128-32-16" => Make(new Gru_I65_H128_T32_B16(1), (m, x) => m.Forward(x), (m, x, y, o) => m.TrainStep(x, y, o, 5f)),
        "rnn-65-128-32-16" => Make(new Rnn_I65_H128_T32_B16(1), (m, x) => m.Forward(x), (m, x, y, o) => m.TrainStep(x, y, o, 5f)),
        "lstm-128-256-64-16" => Make(new Lstm_I128_H256_T64_B16(1), (m, x) => m.Forward(x), (m, x, y, o) => m.TrainStep(x, y, o, 5f)),
        "lstm-512-512-64-64" => Make(new Lstm_I512_H512_T64_B64(1), (m, x) => m.Forward(x), (m, x, y, o) => m.TrainStep(x, y, o, 5f)),
        "lstm-65-128-1024-16" => Make(new Lstm_I65_H128_T1024_B16(1), (m, x) => m.Forward(x), (m, x, y, o) => m.TrainStep(x, y, o, 5f)),
        _ => throw new ArgumentException($"Unknown configuration '{key}'. Known: {string.Join(", ", PeerConfigs)}, lstm-65-128-1024-16.", nameof(key)),
    };

    private static Workload Make<TModel>(TModel model, Action<TModel, float[]> forward, Func<TModel, float[], int[], IOptimizer<float>, float> train)
        where TModel : IRnnModel<float>, IVectorInputModel<float>, IClassTargetModel<float>
    {
        var random = new Xoshiro256StarStar(42);
        var x = new float[model.Steps * model.Batch * model.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextGaussian();
        var y = new int[model.OutputSteps * model.Batch];
        for (int i = 0; i < y.Length; i++) y[i] = random.NextInt(model.OutputSize);
        var sgd = new Sgd<float>(0.01f);
        return new Workload(model, () => forward(model, x), () => train(model, x, y, sgd),
            () => model.Loss(y), () => model.Backward(y),
            () => { GradientClipping.ClipByGlobalNorm(model.Gradients, 5f); sgd.Step(model.Parameters, model.Gradients); });
    }
}
