using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen;
using RnnGen.Inference;
using RnnGen.Randomness;
using RnnGenCharLm;

// Trains CharModel on a text (data.txt: the first story of The Adventures of Sherlock Holmes, public domain; or your
// file) for a time budget, reports bits per character on the last 10 % of the text (held out), writes text from a
// prompt, and saves the model to output/charmodel.safetensors (PyTorch's state_dict names: see RnnGen's README).
//
//   dotnet run -c Release                                  two minutes on data.txt
//   dotnet run -c Release -- --seconds 600 --text my.txt  longer, on your text
//   dotnet run -c Release -- --prompt "Holmes said"
double seconds = 120;
string textPath = Path.Combine(AppContext.BaseDirectory, "data.txt");
string prompt = "The ";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out double s) && s > 0:
            seconds = s;
            i++;
            break;
        case "--text" when i + 1 < args.Length:
            textPath = args[++i];
            break;
        case "--prompt" when i + 1 < args.Length && args[i + 1].Length > 0:
            prompt = args[++i];
            break;
        default:
            Console.Error.WriteLine($"error: unexpected argument '{args[i]}'. Usage: [--seconds N] [--text FILE] [--prompt TEXT]");
            return 2;
    }
}

int[] ids = File.ReadAllText(textPath).Select(Alphabet.Id).ToArray();
int split = ids.Length * 9 / 10;
int[] train = ids[..split], heldOut = ids[split..];
if (heldOut.Length < CharModel.Steps + 1)
{
    Console.Error.WriteLine($"error: {textPath} is too short ({ids.Length} characters); it needs at least {10 * (CharModel.Steps + 1)}.");
    return 1;
}

using var model = new CharModel(seed: 1);
var optimizer = new AdamW<float>(2e-3f);
var random = new Xoshiro256StarStar(seed: 2);
int[] tokens = new int[CharModel.Steps * CharModel.Batch];   // [Steps, Batch], time-major
int[] targets = new int[CharModel.Steps * CharModel.Batch];  // the next character of each
Console.WriteLine($"{CharModel.Architecture}");
Console.WriteLine($"{CharModel.ParameterCount:N0} parameters; {train.Length:N0} characters to train on, {heldOut.Length:N0} held out; {seconds:0.#} s");

var clock = Stopwatch.StartNew();
int steps = 0;
double sum = 0;
while (clock.Elapsed.TotalSeconds < seconds)
{
    FillWindows(train, random);
    float loss = model.TrainStep(tokens, targets, optimizer, clipNorm: 5f); // summed over the steps, averaged over the batch
    sum += loss;
    steps++;
    if (steps % 100 == 0)
    {
        Console.WriteLine($"step {steps,6}  {clock.Elapsed.TotalSeconds,6:F1} s  train {Bits(sum / 100):F3} bits/char");
        sum = 0;
    }
}
Console.WriteLine($"{steps} steps in {clock.Elapsed.TotalSeconds:F1} s; held-out: {Bits(Evaluate(heldOut)):F3} bits/char (a uniform guess over the text's characters: {Math.Log2(ids.Distinct().Count()):F3})");

// Single-step inference on lane 0: feed the prompt, then sample each next character from the model's distribution.
model.ResetStepState();
ReadOnlySpan<float> next = default;
foreach (char c in prompt) next = model.Step(Alphabet.Id(c), lane: 0);
var text = new StringBuilder(prompt);
for (int i = 0; i < 300; i++)
{
    int id = Sampling.Sample(next, temperature: 0.8f, random);
    text.Append(Alphabet.Char(id));
    next = model.Step(id, lane: 0);
}
Console.WriteLine();
Console.WriteLine(text);
Console.WriteLine();

Directory.CreateDirectory("output");
string checkpoint = Path.Combine("output", "charmodel.safetensors");
Safetensors.Save(model, checkpoint);
Console.WriteLine($"saved {Path.GetFullPath(checkpoint)}");
return 0;

// Per-character loss in nats (loss / Steps) as bits.
static double Bits(double loss) => loss / CharModel.Steps / Math.Log(2);

// Each lane a random window of the text; targets are the same window shifted by one character.
void FillWindows(int[] source, Xoshiro256StarStar r)
{
    for (int b = 0; b < CharModel.Batch; b++)
    {
        int start = r.NextInt(source.Length - CharModel.Steps);
        for (int t = 0; t < CharModel.Steps; t++)
        {
            tokens[t * CharModel.Batch + b] = source[start + t];
            targets[t * CharModel.Batch + b] = source[start + t + 1];
        }
    }
}

// The mean loss over windows of the held-out text (the same windows on every call: a fixed seed; at most 32 batches).
double Evaluate(int[] source)
{
    var r = new Xoshiro256StarStar(seed: 3);
    double total = 0;
    int batches = Math.Min(32, Math.Max(1, source.Length / (CharModel.Steps * CharModel.Batch)));
    for (int i = 0; i < batches; i++)
    {
        FillWindows(source, r);
        model.Forward(tokens);
        total += model.Loss(targets);
    }
    return total / batches;
}
