using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

/// <summary>
/// A step of an unrolled block as the generated code names it: a constant (<c>3</c>), or <c>first + k</c> /
/// <c>first − k</c> inside a block method that serves every middle block of a long sequence, whose first step is the
/// argument <c>first</c>.
/// </summary>
internal readonly struct StepIndex
{
    private StepIndex(bool relative, long value)
    {
        IsRelative = relative;
        Value = value;
    }

    /// <summary>Whether the step is <c>first + Value</c> rather than the constant <c>Value</c>.</summary>
    public bool IsRelative { get; }

    /// <summary>The constant, or the offset from <c>first</c>.</summary>
    public long Value { get; }

    /// <summary>The constant step <paramref name="t"/>.</summary>
    public static implicit operator StepIndex(long t) => new(false, t);

    /// <summary>The step <c>first + offset</c>.</summary>
    public static StepIndex FromFirst(long offset) => new(true, offset);

    /// <summary>This step moved by <paramref name="delta"/>.</summary>
    public StepIndex Plus(long delta) => new(IsRelative, Value + delta);

    /// <summary><c>t · stride</c> as C#: a folded constant, or <c>(first + k) * stride</c>.</summary>
    public string Times(long stride)
    {
        if (!IsRelative) return Value == 0 ? "0" : Value == 1 ? N(stride) : $"{N(Value)} * {N(stride)}";
        return Value == 0 ? $"first * {N(stride)}" : $"({this}) * {N(stride)}";
    }

    public override string ToString() => !IsRelative ? N(Value) : Value == 0 ? "first" : Value > 0 ? $"first + {N(Value)}" : $"first - {N(-Value)}";
}
