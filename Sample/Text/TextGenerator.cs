using RnnGen.Inference;
using RnnGen.Randomness;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Training;

namespace RnnGen.Sample.Text;

/// <summary>Generates text one character at a time with the model's single-step <c>Step</c> API.</summary>
public static class TextGenerator
{
    /// <summary>Generating at least this many characters shows progress on standard error (a long run takes minutes).</summary>
    public const int ProgressThreshold = 20_000;

    /// <summary>
    /// Reads <paramref name="prompt"/> into a fresh state (zeros), then draws <paramref name="length"/> symbols (code points), each
    /// fed back as the next input. Temperature 0 takes the most likely character; 1 samples the model's distribution.
    /// </summary>
    /// <param name="model">The model to step.</param>
    /// <param name="alphabet">Its alphabet.</param>
    /// <param name="prompt">Read first.</param>
    /// <param name="length">Symbols drawn.</param>
    /// <param name="temperature">0: the most likely; 1: the model's distribution.</param>
    /// <param name="seed">Of the draws.</param>
    /// <param name="progress">Called with the count drawn so far every <see cref="ProgressInterval"/> symbols and at the end.</param>
    public static string Generate(ITokenStepModel<float> model, Alphabet alphabet, string prompt, int length, float temperature, ulong seed, Action<int>? progress = null)
    {
        int[] ids = alphabet.Encode(prompt, "the prompt");
        if (ids.Length == 0) throw new SampleException("the prompt is empty; give at least one character.");
        var random = new Xoshiro256StarStar(seed);
        model.InitialState.Clear();
        model.ResetStepState();
        ReadOnlySpan<float> next = default;
        foreach (int id in ids) next = model.Step(id);
        var text = new System.Text.StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            // Only the alphabet's ids: the classes above it never occur in training (the head is sized for the capacity).
            int id = Sampling.Sample(next[..alphabet.Count], temperature, random);
            text.Append(alphabet.Symbol(id));
            next = model.Step(id);
            if (progress is not null && ((i + 1) % ProgressInterval == 0 || i + 1 == length)) progress(i + 1);
        }
        return text.ToString();
    }

    /// <summary>How often (in symbols) <see cref="Generate"/> reports progress.</summary>
    public const int ProgressInterval = 1_000;

    /// <summary>
    /// <see cref="Generate"/>, with a progress bar on standard error when <paramref name="length"/> is at least
    /// <see cref="ProgressThreshold"/> (redrawn in place on a terminal, a line per tenth otherwise), so standard output
    /// holds only the text.
    /// </summary>
    public static string Generate(ITokenStepModel<float> model, Alphabet alphabet, string prompt, int length, float temperature, ulong seed, SampleContext context)
    {
        if (length < ProgressThreshold) return Generate(model, alphabet, prompt, length, temperature, seed);
        var bar = new ProgressBar(context.Error, context.ErrorInteractive);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Report(int done)
        {
            double rate = done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
            bar.Report((double)done / length, $"{done:N0} of {length:N0} characters generated  {rate:N0} chars/s", force: done == length);
        }
        Report(0);
        string text = Generate(model, alphabet, prompt, length, temperature, seed, Report);
        bar.Finish();
        return text;
    }
}
