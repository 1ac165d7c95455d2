using System.Diagnostics;
using RnnGen;
using RnnGen.Randomness;
using RnnGen.Sample;

// Trains the generated CharModel on a paragraph, reporting loss and bits per character, then samples text from it.

const string Corpus =
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of " +
    "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, " +
    "it was the season of Darkness, it was the spring of hope, it was the winter of despair, we had " +
    "everything before us, we had nothing before us, we were all going direct to Heaven, we were all going " +
    "direct the other way--in short, the period was so far like the present period, that some of its " +
    "noisiest authorities insisted on its being received, for good or for evil, in the superlative degree " +
    "of comparison only.\n";

int trainSteps = args.Length > 0 && int.TryParse(args[0], out int n) && n > 0 ? n : 300;
int[] ids = Alphabet.Encode(Corpus);
var model = new CharModel(seed: 1);
var optimizer = new Adam<float>(2e-3f);
var random = new Xoshiro256StarStar(7);
var inputs = new int[CharModel.Steps * CharModel.Batch];
var targets = new int[inputs.Length];

Console.WriteLine($"RnnGen sample: character LSTM, {CharModel.ParameterCount:N0} parameters, {CharModel.Steps} steps × {CharModel.Batch} sequences per batch.");
Console.WriteLine($"Corpus: {Corpus.Length} characters (A Tale of Two Cities, Charles Dickens, 1859; public domain).");
var clock = Stopwatch.StartNew();
for (int step = 1; step <= trainSteps; step++)
{
    // Each lane reads a random window; targets are the same window shifted by one character.
    for (int b = 0; b < CharModel.Batch; b++)
    {
        int start = random.NextInt(ids.Length - CharModel.Steps - 1);
        for (int t = 0; t < CharModel.Steps; t++)
        {
            inputs[t * CharModel.Batch + b] = ids[start + t];
            targets[t * CharModel.Batch + b] = ids[start + t + 1];
        }
    }
    float loss = model.TrainStep(inputs, targets, optimizer, clipNorm: 5f);
    if (step % 25 == 0 || step == 1)
    {
        double nats = loss / CharModel.Steps; // the loss sums over steps and averages over the batch
        Console.WriteLine($"step {step,4}  loss {nats:F3} nats/char  {nats / Math.Log(2):F3} bits/char  {clock.Elapsed.TotalSeconds,5:F1} s");
    }
}

// Sampling: predict the next character from the last Steps characters, draw it, slide the window.
string prompt = "It was the ";
var window = new List<int>(Alphabet.Encode(prompt));
var text = new System.Text.StringBuilder(prompt);
for (int i = 0; i < 200; i++)
{
    int[] context = window.Count >= CharModel.Steps ? window.GetRange(window.Count - CharModel.Steps, CharModel.Steps).ToArray()
        : Enumerable.Repeat(Alphabet.ToId(' '), CharModel.Steps - window.Count).Concat(window).ToArray();
    for (int t = 0; t < CharModel.Steps; t++)
        for (int b = 0; b < CharModel.Batch; b++) inputs[t * CharModel.Batch + b] = context[t];
    model.Forward(inputs);
    ReadOnlySpan<float> p = model.Output.Slice((CharModel.Steps - 1) * CharModel.Batch * Alphabet.Size, Alphabet.Size);
    int next = Draw(p, temperature: 0.7, random);
    window.Add(next);
    text.Append(Alphabet.ToChar(next));
}
Console.WriteLine();
Console.WriteLine("Sampled text (temperature 0.7):");
Console.WriteLine(text.ToString());

static int Draw(ReadOnlySpan<float> probabilities, double temperature, Xoshiro256StarStar random)
{
    // p^(1/τ), renormalized: τ < 1 sharpens the distribution.
    Span<double> w = stackalloc double[probabilities.Length];
    double sum = 0;
    for (int j = 0; j < w.Length; j++) sum += w[j] = Math.Pow(probabilities[j], 1 / temperature);
    double u = random.NextDouble() * sum;
    for (int j = 0; j < w.Length; j++)
    {
        u -= w[j];
        if (u <= 0) return j;
    }
    return w.Length - 1;
}
