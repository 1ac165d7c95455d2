namespace RnnGen.Sample.Training;

/// <summary>
/// What reading W_hh in bfloat16 or int8 (<see cref="WeightFormat"/>) costs a trained model: bits per character on the
/// held-out text, read one character at a time with <c>Step</c> (the products reduced precision applies to), in each
/// format, from the same parameters.
/// </summary>
public static class ReducedPrecision
{
    /// <summary>Held-out bits/char through <c>Step</c> in every format; the model's format is restored.</summary>
    public static IReadOnlyList<(WeightFormat Format, double Bits)> Measure(ITokenStepModel<float> model, ReadOnlySpan<int> text)
    {
        var formats = (IReducedWeightsModel)model;
        WeightFormat saved = formats.WeightFormat;
        var results = new List<(WeightFormat, double)>();
        try
        {
            foreach (WeightFormat format in Enum.GetValues<WeightFormat>())
            {
                formats.WeightFormat = format;
                results.Add((format, BitsPerChar(model, text)));
            }
        }
        finally
        {
            formats.WeightFormat = saved;
        }
        return results;
    }

    /// <summary>−log₂ p(next character) averaged over <paramref name="text"/>, from a reset state on lane 0.</summary>
    private static double BitsPerChar(ITokenStepModel<float> model, ReadOnlySpan<int> text)
    {
        model.ResetStepState(0);
        double nats = 0;
        for (int i = 0; i + 1 < text.Length; i++)
            nats -= Math.Log(Math.Max(model.Step(text[i])[text[i + 1]], float.Epsilon));
        return nats / (text.Length - 1) / Math.Log(2);
    }

    /// <summary>The report's lines: each format's bits/char and its change from float.</summary>
    public static void Report(ITokenStepModel<float> model, ReadOnlySpan<int> validation, TextWriter o)
    {
        IReadOnlyList<(WeightFormat Format, double Bits)> results = Measure(model, validation);
        double single = results[0].Bits;
        o.WriteLine("  W_hh read one character at a time (Step), held-out bits/char by weight format: " +
            string.Join(", ", results.Select(r => r.Format == WeightFormat.Single ? $"float {r.Bits:F4}" : $"{Name(r.Format)} {r.Bits:F4} ({Change(r.Bits - single)})")));
    }

    /// <summary>A change in bits/char with its sign, to five decimals (a change that rounds to zero shows as ±0.00000).</summary>
    private static string Change(double delta) =>
        Math.Round(delta, 5) == 0 ? "±0.00000" : (delta > 0 ? "+" : "−") + Math.Abs(delta).ToString("F5", System.Globalization.CultureInfo.InvariantCulture);

    private static string Name(WeightFormat format) => format == WeightFormat.BFloat16 ? "bfloat16" : "int8";
}
