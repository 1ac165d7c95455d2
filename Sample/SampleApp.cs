using System.CommandLine;
using System.CommandLine.Parsing;
using RnnGen.Sample.Adding;
using RnnGen.Sample.Classify;
using RnnGen.Sample.Commands;
using RnnGen.Sample.Graph;
using RnnGen.Sample.Models;
using RnnGen.Sample.Training;
using RnnGen.Sample.Translate;

namespace RnnGen.Sample;

/// <summary>
/// The sample's command line, callable in-process (tests call <see cref="Run(string[], TextWriter, TextWriter, string)"/>):
/// no command trains the default model on the bundled corpus; <c>train</c>, <c>sample</c>, <c>adding</c>, <c>classify</c>,
/// <c>translate</c>, <c>graph</c> and <c>bench</c> do the rest. A problem the user can fix ends with one line on standard error and a non-zero exit
/// code — 2 for a bad command line, 1 for bad input — never a stack trace, and nothing written.
/// </summary>
public static class SampleApp
{
    /// <summary>Success.</summary>
    public const int ExitOk = 0;

    /// <summary>Bad input: a missing or unreadable file, a checkpoint that does not fit, a failed run.</summary>
    public const int ExitFailure = 1;

    /// <summary>Bad command line: unknown command or option, a value out of range.</summary>
    public const int ExitUsage = 2;

    /// <summary>The process ran out of memory.</summary>
    public const int ExitOutOfMemory = 3;

    /// <summary>Most characters <c>--length</c> generates.</summary>
    public const int MaxLength = 1_000_000;

    /// <summary>Most steps <c>graph --steps-shown</c> draws before the gap.</summary>
    public const int MaxStepsShown = 256;

    /// <summary>Runs the sample with <paramref name="args"/>; output not interactive (plain progress lines), not cancellable.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string workingDirectory)
        => Run(args, output, error, workingDirectory, interactive: false, CancellationToken.None);

    /// <summary>
    /// Runs the sample; <paramref name="interactive"/> redraws the progress bar in place; <paramref name="cancel"/> stops
    /// training early; <paramref name="errorInteractive"/> (standard error is a terminal) redraws the progress of long text
    /// generation in place.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string workingDirectory, bool interactive, CancellationToken cancel, bool errorInteractive = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new SampleContext(output, error, Path.GetFullPath(workingDirectory), interactive, cancel, errorInteractive);
        Command root = Build(context, args);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"error: {OneLine(parse.Errors[0].Message)} (see{CommandPath(parse)} --help)");
            return ExitUsage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (SampleException ex)
        {
            error.WriteLine("error: " + OneLine(ex.Message));
            return ex.ExitCode;
        }
        catch (OutOfMemoryException)
        {
            error.WriteLine("error: out of memory: the run needs more memory than this machine gave it (try a smaller --batch, --length or text).");
            return ExitOutOfMemory;
        }
        catch (Exception ex)
        {
            error.WriteLine($"error: unexpected {ex.GetType().Name}: {OneLine(ex.Message)}");
            if (Environment.GetEnvironmentVariable("RNNGEN_SAMPLE_TRACE") == "1") error.WriteLine(ex);
            return ExitFailure;
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));

    private static string CommandPath(ParseResult parse)
    {
        // The subcommand's name, without the root's (the program is usually run through dotnet run).
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is not null; r = r.Parent)
            if (r is CommandResult { Parent: not null } c) names.Insert(0, c.Command.Name);
        return string.Concat(names.Select(n => " " + n));
    }

    private static Command Build(SampleContext context, string[] args)
    {
        string shapes = string.Join("\n", CharShapes.All.Select(s => $"  {s.Name,-7}{(s.Name == CharShapes.DefaultName ? "(default) " : "          ")}{s.Summary}"));
        var root = new RootCommand(
            "RnnGen sample: character-level language models and recurrent-network experiments, compiled by the RnnGen source generator.\n" +
            "With no command: trains the default model on the bundled Sherlock Holmes text for about two minutes, then prints\n" +
            "bits per character and generated text, and writes output/char-model.safetensors and output/loss-curve.png.\n" +
            "Run as: dotnet run --project Sample -c Release -- <command> [options]\n\n" +
            "Model shapes (sizes are compile-time constants of the generated code; see Sample/README.md to declare another):\n" + shapes);
        root.SetAction(_ => TrainingRun.Execute(new TrainSettings(), context));
        root.Subcommands.Add(TrainCommand(context, shapes));
        root.Subcommands.Add(SampleCommand(context));
        root.Subcommands.Add(AddingCommand(context));
        root.Subcommands.Add(ClassifyCommand(context));
        root.Subcommands.Add(TranslateCommand(context));
        root.Subcommands.Add(GraphCommand(context));
        root.Subcommands.Add(BenchCommand(context, args));
        return root;
    }

    private static Command TrainCommand(SampleContext context, string shapes)
    {
        var text = new Argument<string?>("text") { Description = "UTF-8 text file to train on (default: the bundled Sherlock Holmes corpus). Its last 10% is held out for validation.", Arity = ArgumentArity.ZeroOrOne };
        text.Validators.Add(r =>
        {
            // An unknown option would otherwise be taken for the file name.
            if (r.GetValueOrDefault<string?>() is { } v && v.StartsWith('-')) r.AddError($"unrecognized option '{v}' (a file whose name starts with '-' can be given as ./{v}).");
        });
        var shape = ShapeOption($"Model shape: {CharShapes.Names} (default {CharShapes.DefaultName}, or the resumed checkpoint's).");
        var batch = Positive<int?>("--batch", "Lanes read side by side: a multiple of the shape's compiled batch (default 2 × it: two replicas, one thread each).");
        var stride = Positive<int?>("--stride", "Truncated BPTT stride k1 ≤ window k2 (the shape's steps); default k1 = k2: windows do not overlap.");
        var optimizer = new Option<string>("--optimizer") { Description = "adamw, adam, sgd (Nesterov momentum 0.9), rmsprop or adagrad.", DefaultValueFactory = _ => "adamw" };
        optimizer.Validators.Add(r =>
        {
            string v = r.GetValueOrDefault<string>();
            if (v is not ("adamw" or "adam" or "sgd" or "rmsprop" or "adagrad")) r.AddError($"unknown optimizer '{v}'; use adamw, adam, sgd, rmsprop or adagrad.");
        });
        var lr = Positive<float?>("--lr", "Peak learning rate (default per shape: small 0.01, medium 0.006, large 0.005); linear warm-up, then cosine decay to 5%.");
        var warmup = NonNegative<int>("--warmup", "Warm-up steps.", 100);
        var clip = NonNegative<float>("--clip", "Clip gradients to this global norm (0: off).", 1f);
        var decay = NonNegative<float>("--weight-decay", "Weight decay (decoupled for adamw).", 0.01f);
        var minutes = Positive<double?>("--minutes", "Training time budget in minutes (default 2).");
        var epochs = Positive<double?>("--epochs", "Train for this many passes over the text instead of a time budget.");
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialization, data order and sampling.", DefaultValueFactory = _ => 1 };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint to write (default: output/char-model.safetensors, or the --resume file)." };
        var resume = new Option<string?>("--resume") { Description = "Continue training from this checkpoint (same shape; its alphabet must cover the text; batch, stride and lr default to its own). The optimizer continues from the state saved beside it when that state belongs to this save of the checkpoint; otherwise it starts afresh and says why." };
        var output = new Option<string>("--output") { Description = "Folder for the loss curve and the default checkpoint.", DefaultValueFactory = _ => "output" };
        var prompt = new Option<string?>("--prompt") { Description = "Prompt of the text generated at the end (saved as the checkpoint's default)." };
        var length = Positive<int>("--length", $"Characters generated at the end (at most {MaxLength:N0}).", 400, MaxLength);
        var temperature = NonNegative<float>("--temperature", "Sampling temperature at the end (0: most likely character).", 0.7f);
        var threads = Positive<int?>("--threads", "Threads (default: one per replica, up to the processor count).");
        var command = new Command("train",
            "Train a character-level LSTM on a text file (or the bundled corpus): truncated BPTT, progress bar, train and validation\n" +
            "bits per character, a safetensors checkpoint with the alphabet and settings in its metadata, a loss-curve PNG.\n" +
            "Ctrl+C stops early and keeps the model.\n\nShapes:\n" + shapes)
        {
            text, shape, batch, stride, optimizer, lr, warmup, clip, decay, minutes, epochs, seed, checkpoint, resume, output, prompt, length, temperature, threads,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(minutes) is not null && r.GetResult(epochs) is not null) r.AddError("give --minutes or --epochs, not both.");
        });
        command.SetAction(p => TrainingRun.Execute(new TrainSettings
        {
            TextPath = p.GetValue(text),
            Shape = p.GetValue(shape),
            Batch = p.GetValue(batch),
            Stride = p.GetValue(stride),
            Optimizer = p.GetValue(optimizer)!,
            LearningRate = p.GetValue(lr),
            Warmup = p.GetValue(warmup),
            Clip = p.GetValue(clip),
            WeightDecay = p.GetValue(decay),
            Minutes = p.GetValue(minutes) ?? 2,
            Epochs = p.GetValue(epochs),
            Seed = p.GetValue(seed),
            Checkpoint = p.GetValue(checkpoint),
            Resume = p.GetValue(resume),
            Output = p.GetValue(output)!,
            Prompt = p.GetValue(prompt),
            Length = p.GetValue(length),
            Temperature = p.GetValue(temperature),
            Threads = p.GetValue(threads),
        }, context));
        return command;
    }

    private static Command SampleCommand(SampleContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint written by train.", DefaultValueFactory = _ => SampleTextCommand.DefaultCheckpoint };
        var shape = ShapeOption("Expected shape; refuses a checkpoint of another shape (default: whatever the checkpoint holds).");
        var prompt = new Option<string?>("--prompt") { Description = "Text the model reads before generating (default: the checkpoint's prompt). Every character must be in the model's alphabet." };
        var length = Positive<int>("--length", $"Characters to generate (at most {MaxLength:N0}).", 500, MaxLength);
        var temperature = NonNegative<float>("--temperature", "Sampling temperature: 0 takes the most likely character, 1 samples the model's distribution.", 0.8f);
        var seed = new Option<ulong>("--seed") { Description = "Seed for sampling.", DefaultValueFactory = _ => 1 };
        var command = new Command("sample", "Generate text from a checkpoint, one character at a time (the model's single-step Step API).")
        {
            checkpoint, shape, prompt, length, temperature, seed,
        };
        command.SetAction(p => SampleTextCommand.Execute(p.GetValue(checkpoint)!, p.GetValue(shape), p.GetValue(prompt), p.GetValue(length), p.GetValue(temperature), p.GetValue(seed), context));
        return command;
    }

    private static Command AddingCommand(SampleContext context)
    {
        var minutes = Positive<double>("--minutes", "Wall-clock budget for all nine runs, split evenly.", 4);
        var maxSteps = Positive<int?>("--max-steps", "Also stop each run after this many training steps.");
        var seed = new Option<ulong>("--seed") { Description = "Seed for data and initialization.", DefaultValueFactory = _ => 1 };
        var threads = Positive<int?>("--threads", "Runs trained at once (default: the processor count).");
        var output = new Option<string>("--output") { Description = "Folder for adding.png and adding.csv.", DefaultValueFactory = _ => "output" };
        var command = new Command("adding",
            "The adding problem (Hochreiter & Schmidhuber 1997) at T = 50, 100 and 200 for a tanh RNN, an LSTM and a GRU of equal\n" +
            $"hidden size ({AddingProblem.Hidden}): does the gradient reach the first marked value? Prints final held-out MSE and the steps\n" +
            "to MSE < 0.01 (baseline 0.167), and plots MSE against step.")
        {
            minutes, maxSteps, seed, threads, output,
        };
        command.SetAction(p => AddingProblem.Execute(new AddingSettings
        {
            Minutes = p.GetValue(minutes),
            MaxSteps = p.GetValue(maxSteps),
            Seed = p.GetValue(seed),
            Threads = p.GetValue(threads),
            Output = p.GetValue(output)!,
        }, context));
        return command;
    }

    private static Command ClassifyCommand(SampleContext context)
    {
        var epochs = Positive<double>("--epochs", $"Passes over the training words, for each of the two runs (fractions allowed; at most {ClassifyRun.MaxEpochs:N0}).", ClassifyRun.DefaultEpochs, ClassifyRun.MaxEpochs);
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialization and data order (the held-out split is fixed).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = $"Folder for {ClassifyRun.CheckpointFile} and {ClassifyRun.PngFile}.", DefaultValueFactory = _ => "output" };
        var data = new Option<string?>("--data") { Description = "A 'code<TAB>word' file to use instead of the bundled words (codes en, es, nl, pl; words of 1 to 16 letters)." };
        var command = new Command("classify",
            "Which language is a word: English, Spanish, Dutch or Polish? Many-to-one classification of variable-length input\n" +
            "(bundled Debian word lists, see Sample/Data/README.md). Trains the same generated LSTM twice, padded and with each\n" +
            "word's length, prints both held-out accuracies and confusion matrices, and writes a checkpoint and a confusion PNG.")
        {
            epochs, seed, output, data,
        };
        command.SetAction(p => ClassifyRun.Execute(new ClassifySettings
        {
            Epochs = p.GetValue(epochs),
            Seed = p.GetValue(seed),
            Output = p.GetValue(output)!,
            DataPath = p.GetValue(data),
        }, context));
        return command;
    }

    private static Command TranslateCommand(SampleContext context)
    {
        var seconds = Positive<double>("--seconds", $"Training seconds for each of the two models (wall clock; they train side by side; at most {TranslateRun.MaxSeconds:N0}).", TranslateRun.DefaultSeconds, TranslateRun.MaxSeconds);
        var maxSteps = Positive<int?>("--max-steps", "Also stop each model after this many training steps (a run that does not depend on the machine's speed, with a large --seconds).");
        var testSize = Positive<int>("--test-size", $"Held-out dates scored (at most {TranslateRun.MaxTestSize:N0}).", TranslateRun.DefaultTestSize, TranslateRun.MaxTestSize);
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialization, the training dates and the held-out dates.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = $"Folder for {TranslateRun.AttentionCheckpointFile}, {TranslateRun.PlainCheckpointFile}, {TranslateRun.CsvFile} and {TranslateRun.PngFile}.", DefaultValueFactory = _ => "output" };
        var command = new Command("translate",
            "Human-written dates (\"the 3rd of March 2019\", \"03/03/19\", \"3 mars 2019\", …) to ISO 8601: two generated encoder–decoders,\n" +
            "with and without attention, train side by side on generated dates; prints exact-match accuracy by source length for greedy\n" +
            "decoding, writes both checkpoints, the table as CSV and a heat map of the attention weights.")
        {
            seconds, maxSteps, testSize, seed, output,
        };
        command.SetAction(p => TranslateRun.Execute(new TranslateSettings
        {
            Seconds = p.GetValue(seconds),
            MaxSteps = p.GetValue(maxSteps),
            TestSize = p.GetValue(testSize),
            Seed = p.GetValue(seed),
            Output = p.GetValue(output)!,
        }, context));
        return command;
    }

    private static Command GraphCommand(SampleContext context)
    {
        var model = new Option<string>("--model") { Description = $"Model to draw: {GraphModels.Names}.", DefaultValueFactory = _ => CharShapes.DefaultName };
        model.Validators.Add(r =>
        {
            string v = r.GetValueOrDefault<string>();
            if (GraphModels.Find(v) is null) r.AddError($"unknown model '{v}'; graph knows: {GraphModels.Names}.");
        });
        var shown = Positive<int>("--steps-shown", $"Steps drawn before the gap (at most {MaxStepsShown}); the last step is always drawn.", 4, MaxStepsShown);
        var output = new Option<string?>("--output") { Description = "SVG file to write (default: output/graph-<model>.svg); the PNG goes beside it." };
        var command = new Command("graph",
            "Draw a declared model's computational graph unrolled over time (SVG; PNG too when rsvg-convert is installed):\n" +
            "cells per step, layer and direction, the recurrent h (and c) arrows, inputs and outputs, and the shared parameter tensors.")
        {
            model, shown, output,
        };
        command.SetAction(p => Commands.GraphCommand.Execute(p.GetValue(model)!, p.GetValue(shown), p.GetValue(output), context));
        return command;
    }

    private static Command BenchCommand(SampleContext context, string[] args)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the command instead of running it." };
        var extra = new Argument<string[]>("arguments") { Description = "Passed on to the peer comparison (options too, e.g. bench --quick).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("bench",
            "Run the side-by-side comparison with ONNX Runtime and PyTorch: dotnet run -c Release --project bench/RnnGen.Benchmarks -- peers.\n" +
            "Needs the repository (it is found from the working directory upwards).")
        {
            dryRun, extra,
        };
        command.TreatUnmatchedTokensAsErrors = false; // options of the peer comparison pass through, in their order
        command.SetAction(p => Commands.BenchCommand.Execute([.. args.SkipWhile(a => a != "bench").Skip(1).Where(a => a is not ("--dry-run" or "--"))], p.GetValue(dryRun), context));
        return command;
    }

    private static bool TryValue<T>(OptionResult r, out T? value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    private static Option<string?> ShapeOption(string description)
    {
        var shape = new Option<string?>("--shape") { Description = description, HelpName = string.Join('|', CharShapes.All.Select(s => s.Name)) };
        shape.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string?>();
            if (v is not null && CharShapes.Find(v) is null) r.AddError($"unknown shape '{v}'; this build has: {CharShapes.Names}.");
        });
        return shape;
    }

    private static Option<T> Positive<T>(string name, string description, T? defaultValue = default, double max = double.PositiveInfinity)
        => Bounded<T>(name, description, defaultValue, strict: true, max);

    private static Option<T> NonNegative<T>(string name, string description, T? defaultValue = default)
        => Bounded<T>(name, description, defaultValue, strict: false);

    private static Option<T> Bounded<T>(string name, string description, T? defaultValue, bool strict, double max = double.PositiveInfinity)
    {
        var option = new Option<T>(name) { Description = description };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !TryValue(r, out T? _)) return; // not a number: the parser reports it
            object? value = r.GetValueOrDefault<T>();
            double? v = value switch { int i => i, float f => f, double d => d, _ => null };
            if (v is not double x) return;
            if (double.IsNaN(x) || double.IsInfinity(x)) r.AddError($"{name} must be a finite number.");
            else if (strict && x <= 0) r.AddError($"{name} must be positive (got {x.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            else if (!strict && x < 0) r.AddError($"{name} must not be negative (got {x.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            else if (x > max) r.AddError($"{name} must be at most {max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} (got {x.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        });
        return option;
    }
}
