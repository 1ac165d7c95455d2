using System.Diagnostics;
using System.Globalization;
using RnnGen;
using RnnGen.Inference;
using RnnGenClassifier;

// Trains Classifier on generated sequences of different lengths (see Data.cs) for a time budget, reports accuracy
// on held-out sequences, and saves the model to output/classifier.safetensors.
//
//   dotnet run -c Release                       half a minute
//   dotnet run -c Release -- --seconds 300
double seconds = 30;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--seconds" && i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out double s) && s > 0)
    {
        seconds = s;
        i++;
        continue;
    }
    Console.Error.WriteLine($"error: unexpected argument '{args[i]}'. Usage: [--seconds N]");
    return 2;
}

Example[] train = Data.Generate(20000, seed: 1), heldOut = Data.Generate(1000, seed: 2);
using var model = new Classifier(seed: 1);
var optimizer = new AdamW<float>(3e-3f);
int[] tokens = new int[Classifier.Steps * Classifier.Batch]; // [Steps, Batch], time-major; padded steps are never read
int[] labels = new int[Classifier.Batch];                    // one class per lane
int[] lengths = new int[Classifier.Batch];                   // each lane's real steps; 0 = an unused lane
Console.WriteLine($"{Classifier.Architecture}");
Console.WriteLine($"{Classifier.ParameterCount:N0} parameters; {train.Length} training and {heldOut.Length} held-out sequences; {seconds:0.#} s");

var clock = Stopwatch.StartNew();
int epoch = 0;
while (clock.Elapsed.TotalSeconds < seconds)
{
    epoch++;
    double sum = 0;
    int batches = 0;
    for (int start = 0; start < train.Length && clock.Elapsed.TotalSeconds < seconds; start += Classifier.Batch)
    {
        Fill(train, start);
        sum += model.TrainStep(tokens, labels, lengths, optimizer, clipNorm: 5f);
        batches++;
    }
    Console.WriteLine($"epoch {epoch,3}  {clock.Elapsed.TotalSeconds,6:F1} s  loss {sum / Math.Max(1, batches):F4}  held-out accuracy {Accuracy(heldOut):P1}");
}

Directory.CreateDirectory("output");
string checkpoint = Path.Combine("output", "classifier.safetensors");
Safetensors.Save(model, checkpoint);
Console.WriteLine($"saved {Path.GetFullPath(checkpoint)}");
return 0;

// Lanes from examples[start..]: tokens padded to Steps, lengths set; past the end of the data (a partial last batch),
// lanes get length 0 and take no part in the loss or its gradient.
int Fill(Example[] examples, int start)
{
    int used = Math.Min(Classifier.Batch, examples.Length - start);
    for (int b = 0; b < Classifier.Batch; b++)
    {
        Example? e = b < used ? examples[start + b] : null;
        lengths[b] = e?.Tokens.Length ?? 0;
        labels[b] = e?.Label ?? 0;
        for (int t = 0; t < Classifier.Steps; t++)
            tokens[t * Classifier.Batch + b] = e is not null && t < e.Tokens.Length ? e.Tokens[t] : 0;
    }
    return used;
}

// The share of examples whose most probable class is their label.
double Accuracy(Example[] examples)
{
    int right = 0;
    for (int start = 0; start < examples.Length; start += Classifier.Batch)
    {
        int used = Fill(examples, start);
        model.Forward(tokens, lengths);
        for (int b = 0; b < used; b++)
        {
            ReadOnlySpan<float> p = model.Output.Slice(b * Classifier.OutputSize, Classifier.OutputSize); // [1, Batch, 2]
            if (Sampling.ArgMax(p) == labels[b]) right++;
        }
    }
    return (double)right / examples.Length;
}
