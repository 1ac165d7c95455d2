namespace RnnGen;

/// <summary>A linear head <c>head.weight [classes, in]</c> followed by softmax; the loss is cross-entropy on class ids.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxOutputAttribute(int classes) : Attribute
{
    /// <summary>Number of classes C.</summary>
    public int Classes { get; } = classes;
}

/// <summary>A linear head with no activation; the loss is the squared error <c>Σ_j (y_j − t_j)²</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LinearOutputAttribute(int size) : Attribute
{
    /// <summary>Values per output.</summary>
    public int Size { get; } = size;
}

/// <summary>A linear head followed by an element-wise sigmoid; the loss is binary cross-entropy computed stably from the logits.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidOutputAttribute(int size) : Attribute
{
    /// <summary>Independent binary outputs.</summary>
    public int Size { get; } = size;
}
