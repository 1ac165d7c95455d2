namespace RnnGen.Checkpoints;

/// <summary>
/// A checkpoint could not be read or does not fit the model: the message says what is wrong and, where it applies,
/// which tensor. Loading throws it before changing anything, so the model keeps its parameters.
/// </summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string path, string message, string? tensorName = null, Exception? inner = null)
        : base($"{path}: {(tensorName is null ? "" : $"tensor '{tensorName}': ")}{message}", inner)
    {
        Path = path;
        TensorName = tensorName;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>The tensor at fault, if the problem is one tensor's.</summary>
    public string? TensorName { get; }
}
