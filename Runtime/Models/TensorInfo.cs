namespace RnnGen;

/// <summary>One named tensor of a model's flat <see cref="IRnnModel{T}.Parameters"/> buffer, with PyTorch's name and row-major shape.</summary>
public sealed class TensorInfo
{
    /// <summary>Creates a tensor description.</summary>
    public TensorInfo(string name, int[] shape, int offset)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        Name = name;
        Shape = Array.AsReadOnly((int[])shape.Clone());
        Offset = offset;
        long length = 1;
        foreach (int d in shape) length *= d;
        Length = checked((int)length);
    }

    /// <summary>PyTorch <c>state_dict</c> name, e.g. <c>rnn.weight_ih_l0</c>.</summary>
    public string Name { get; }

    /// <summary>Row-major shape, e.g. <c>[4·H, in]</c>.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Index of the first element in the flat parameter buffer.</summary>
    public int Offset { get; }

    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public int Length { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}] @ {Offset}";
}
