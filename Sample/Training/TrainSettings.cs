namespace RnnGen.Sample.Training;

/// <summary>Everything <c>train</c> (and the default run) can be told; null means "the default for the shape or checkpoint".</summary>
public sealed record TrainSettings
{
    /// <summary>Text file to train on; null: the bundled corpus.</summary>
    public string? TextPath { get; init; }

    /// <summary>Model shape; null: the default, or the resumed checkpoint's.</summary>
    public string? Shape { get; init; }

    /// <summary>Lanes read side by side (a multiple of the shape's batch); null: two replicas.</summary>
    public int? Batch { get; init; }

    /// <summary>TBPTT stride k1; null: the window (windows do not overlap).</summary>
    public int? Stride { get; init; }

    /// <summary>adamw, adam, sgd, rmsprop or adagrad.</summary>
    public string Optimizer { get; init; } = "adamw";

    /// <summary>Peak learning rate; null: the shape's.</summary>
    public float? LearningRate { get; init; }

    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int Warmup { get; init; } = 100;

    /// <summary>Gradient clipping by global norm; 0: off.</summary>
    public float Clip { get; init; } = 1f;

    /// <summary>Weight decay (decoupled for AdamW, L2 for the others).</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Wall-clock training budget (ignored when <see cref="Epochs"/> is set).</summary>
    public double Minutes { get; init; } = 2;

    /// <summary>Passes over the training text instead of a time budget.</summary>
    public double? Epochs { get; init; }

    /// <summary>Seed for initialization, lane offsets and sampling.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checkpoint to write; null: output/char-model.safetensors (or the resumed file).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Checkpoint to continue from.</summary>
    public string? Resume { get; init; }

    /// <summary>Folder for the loss curve and the default checkpoint.</summary>
    public string Output { get; init; } = "output";

    /// <summary>Prompt of the text printed at the end (and saved as the checkpoint's default prompt).</summary>
    public string? Prompt { get; init; }

    /// <summary>Characters generated at the end.</summary>
    public int Length { get; init; } = 400;

    /// <summary>Sampling temperature at the end.</summary>
    public float Temperature { get; init; } = 0.7f;

    /// <summary>Threads; null: one per replica, up to the processor count.</summary>
    public int? Threads { get; init; }
}
