using RnnGen.Inference;
using RnnGen.Randomness;

namespace RnnGen.Sample.Text;

/// <summary>Generates text one character at a time with the model's single-step <c>Step</c> API.</summary>
public static class TextGenerator
{
    /// <summary>
    /// Reads <paramref name="prompt"/> into a fresh state (zeros), then draws <paramref name="length"/> symbols (code points), each
    /// fed back as the next input. Temperature 0 takes the most likely character; 1 samples the model's distribution.
    /// </summary>
    public static string Generate(ITokenStepModel<float> model, Alphabet alphabet, string prompt, int length, float temperature, ulong seed)
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
        }
        return text.ToString();
    }
}
