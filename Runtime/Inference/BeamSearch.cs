using System.Numerics;

namespace RnnGen.Inference;

/// <summary>
/// Beam search over the decoder of a generating model with a softmax head (<see cref="IDecoderStepModel{T, TStep}"/>
/// with token inputs), for one source lane at a time: encode the inputs once (<c>Encode</c>), then
/// <see cref="Search(int)"/> each lane. Every buffer is sized in the constructor from the beam width, the number of
/// results and the maximum length, so a search allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Each step advances every live hypothesis by one decoder step (all of them in one <c>DecoderStep</c> call, one row
/// each) and keeps the <see cref="BeamWidth"/> best continuations by log-probability, log P(Y|X) = Σ_t ln p(y_t | y_&lt;t, X)
/// with ln p the natural logarithm of the softmax output (a probability that underflows to 0 gives −∞: that
/// continuation is dropped). A kept continuation that is <see cref="EndToken"/> is finished (its length counts the end
/// token); the others continue, so the beam narrows as hypotheses finish. At <see cref="MaxLength"/> every live
/// hypothesis is finished as it stands.
/// </para>
/// <para>
/// Finished hypotheses are ranked by GNMT's length-normalised score (Wu et al., 2016), log P(Y|X) / lp(Y) with
/// lp(Y) = ((5 + |Y|)/6)^α (<see cref="LengthPenalty"/> α; 0: the raw log-probability), and the best
/// <see cref="ResultCount"/> are kept (ties keep the one found first). The search runs until no hypothesis is live (no
/// early stop), so with a beam as wide as every sequence it is an exhaustive search. A beam of width 1 is greedy decoding.
/// </para>
/// </remarks>
/// <typeparam name="T">The model's element type.</typeparam>
public sealed class BeamSearch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IDecoderStepModel<T, int> _model;
    private readonly int _vocabulary, _stateSize;
    private readonly int[] _lanes, _inputs, _nextInputs, _tokens, _nextTokens;
    private readonly T[] _states, _nextStates, _outputs;
    private readonly double[] _logProbabilities, _nextLogProbabilities;
    private readonly int[] _candidateParent, _candidateToken;
    private readonly double[] _candidateLogProbability;
    private readonly int[] _resultTokens, _resultLengths;
    private readonly double[] _resultLogProbabilities, _resultScores;
    private int _count;

    /// <summary>Creates a search over <paramref name="model"/>'s decoder and sizes every buffer.</summary>
    /// <param name="model">A one-to-many or encoder–decoder model with a softmax head.</param>
    /// <param name="beamWidth">K, the hypotheses kept per step (at least 1).</param>
    /// <param name="resultCount">N, the finished hypotheses returned, best first (at least 1).</param>
    /// <param name="maxLength">The longest sequence, in decoder steps (0: the model's OutputSteps).</param>
    /// <param name="lengthPenalty">α of lp(Y) = ((5 + |Y|)/6)^α, at least 0 (0: rank by log-probability).</param>
    /// <param name="endToken">The class that finishes a hypothesis, or −1 for none (every hypothesis runs to <paramref name="maxLength"/>).</param>
    /// <exception cref="ArgumentException">The model has no softmax head, or an argument is out of range.</exception>
    public BeamSearch(IDecoderStepModel<T, int> model, int beamWidth, int resultCount = 1, int maxLength = 0, double lengthPenalty = 0, int endToken = -1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Architecture.Output != HeadKind.Softmax)
            throw new ArgumentException($"Beam search ranks tokens by their probability: the model needs a softmax head, not {model.Architecture.Output}.", nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(beamWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resultCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (!(lengthPenalty >= 0) || !double.IsFinite(lengthPenalty))
            throw new ArgumentOutOfRangeException(nameof(lengthPenalty), lengthPenalty, "The length penalty α must be finite and at least 0.");
        if (endToken < -1 || endToken >= model.OutputSize)
            throw new ArgumentOutOfRangeException(nameof(endToken), endToken, $"The end token must be a class in [0, {model.OutputSize}) or −1 (none).");
        _model = model;
        _vocabulary = model.OutputSize;
        _stateSize = model.DecoderStateSize;
        BeamWidth = beamWidth;
        ResultCount = resultCount;
        MaxLength = maxLength == 0 ? model.OutputSteps : maxLength;
        LengthPenalty = lengthPenalty;
        EndToken = endToken;
        int k = beamWidth, n = resultCount, length = MaxLength;
        _lanes = new int[k];
        _inputs = new int[k];
        _nextInputs = new int[k];
        _tokens = new int[k * length];
        _nextTokens = new int[k * length];
        _states = new T[k * _stateSize];
        _nextStates = new T[k * _stateSize];
        _outputs = new T[k * _vocabulary];
        _logProbabilities = new double[k];
        _nextLogProbabilities = new double[k];
        _candidateParent = new int[k];
        _candidateToken = new int[k];
        _candidateLogProbability = new double[k];
        _resultTokens = new int[n * length];
        _resultLengths = new int[n];
        _resultLogProbabilities = new double[n];
        _resultScores = new double[n];
    }

    /// <summary>K, the hypotheses kept per step.</summary>
    public int BeamWidth { get; }

    /// <summary>N, the most results a search returns.</summary>
    public int ResultCount { get; }

    /// <summary>The longest sequence, in decoder steps.</summary>
    public int MaxLength { get; }

    /// <summary>α of the length normalisation lp(Y) = ((5 + |Y|)/6)^α.</summary>
    public double LengthPenalty { get; }

    /// <summary>The class that finishes a hypothesis, or −1.</summary>
    public int EndToken { get; }

    /// <summary>Results of the last search (at most <see cref="ResultCount"/>).</summary>
    public int Count => _count;

    /// <summary>GNMT's length normalisation lp(Y) = ((5 + length)/6)^α.</summary>
    public static double LengthNormalization(int length, double alpha) => alpha == 0 ? 1 : Math.Pow((5.0 + length) / 6.0, alpha);

    /// <summary>Searches from source lane <paramref name="lane"/>'s start state and first input (<c>StartInput</c>: an encoder–decoder's start token, a one-to-many model's encoded token); returns <see cref="Count"/>.</summary>
    /// <exception cref="InvalidOperationException">The model has encoded nothing yet.</exception>
    public int Search(int lane)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lane);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lane, _model.Batch);
        _model.StartInput(lane, _inputs.AsSpan(0, 1));
        return Search(lane, _inputs[0]);
    }

    /// <summary>Searches from source lane <paramref name="lane"/>'s start state with <paramref name="firstToken"/> as the first decoder input; returns <see cref="Count"/>.</summary>
    /// <exception cref="InvalidOperationException">The model has encoded nothing yet.</exception>
    public int Search(int lane, int firstToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lane);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lane, _model.Batch);
        if ((uint)firstToken >= (uint)_model.DecoderInputSize)
            throw new ArgumentOutOfRangeException(nameof(firstToken), firstToken, $"The first token must lie in [0, {_model.DecoderInputSize}).");
        _model.StartDecoder(lane, _states.AsSpan(0, _stateSize));
        _lanes.AsSpan().Fill(lane);
        _inputs[0] = firstToken;
        _logProbabilities[0] = 0;
        _count = 0;
        int live = 1, length = MaxLength, s = _stateSize, v = _vocabulary;
        for (int step = 0; step < length && live > 0; step++)
        {
            _model.DecoderStep(_lanes.AsSpan(0, live), _inputs.AsSpan(0, live), _states.AsSpan(0, live * s), _outputs.AsSpan(0, live * v));
            // The K best continuations of all live hypotheses, best first (ties: the earlier hypothesis, then the lower token).
            int candidates = 0;
            for (int i = 0; i < live; i++)
            {
                double prefix = _logProbabilities[i];
                ReadOnlySpan<T> row = _outputs.AsSpan(i * v, v);
                for (int token = 0; token < v; token++)
                {
                    double logProbability = prefix + Math.Log(double.CreateTruncating(row[token]));
                    if (double.IsNegativeInfinity(logProbability) || double.IsNaN(logProbability)) continue;
                    if (candidates == BeamWidth && !(logProbability > _candidateLogProbability[candidates - 1])) continue;
                    int at = candidates == BeamWidth ? candidates - 1 : candidates++;
                    while (at > 0 && _candidateLogProbability[at - 1] < logProbability)
                    {
                        _candidateParent[at] = _candidateParent[at - 1];
                        _candidateToken[at] = _candidateToken[at - 1];
                        _candidateLogProbability[at] = _candidateLogProbability[at - 1];
                        at--;
                    }
                    _candidateParent[at] = i;
                    _candidateToken[at] = token;
                    _candidateLogProbability[at] = logProbability;
                }
            }
            // Finished continuations go to the results; the others form the next beam.
            int next = 0;
            for (int c = 0; c < candidates; c++)
            {
                int parent = _candidateParent[c], token = _candidateToken[c];
                ReadOnlySpan<int> prefix = _tokens.AsSpan(parent * length, step);
                if (token == EndToken || step + 1 == length)
                {
                    AddResult(prefix, token, _candidateLogProbability[c]);
                    continue;
                }
                prefix.CopyTo(_nextTokens.AsSpan(next * length));
                _nextTokens[next * length + step] = token;
                _states.AsSpan(parent * s, s).CopyTo(_nextStates.AsSpan(next * s, s));
                _nextInputs[next] = token;
                _nextLogProbabilities[next] = _candidateLogProbability[c];
                next++;
            }
            _nextTokens.AsSpan(0, next * length).CopyTo(_tokens);
            _nextStates.AsSpan(0, next * s).CopyTo(_states);
            _nextInputs.AsSpan(0, next).CopyTo(_inputs);
            _nextLogProbabilities.AsSpan(0, next).CopyTo(_logProbabilities);
            live = next;
        }
        return _count;
    }

    /// <summary>The tokens of the result of rank <paramref name="rank"/> (0: the best), the end token included when it ended there.</summary>
    public ReadOnlySpan<int> Tokens(int rank) => _resultTokens.AsSpan(CheckRank(rank) * MaxLength, _resultLengths[rank]);

    /// <summary>|Y|, the length of the result of rank <paramref name="rank"/> (the end token counts).</summary>
    public int Length(int rank) => _resultLengths[CheckRank(rank)];

    /// <summary>log P(Y|X) of the result of rank <paramref name="rank"/>: the sum of ln p of its tokens.</summary>
    public double LogProbability(int rank) => _resultLogProbabilities[CheckRank(rank)];

    /// <summary>The score the results are ranked by: log P(Y|X) / lp(Y).</summary>
    public double Score(int rank) => _resultScores[CheckRank(rank)];

    private int CheckRank(int rank)
    {
        if ((uint)rank >= (uint)_count)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The last search returned {_count} results.");
        return rank;
    }

    /// <summary>Inserts a finished hypothesis among the best N by score (an equal score goes after those found before it).</summary>
    private void AddResult(ReadOnlySpan<int> prefix, int token, double logProbability)
    {
        int length = prefix.Length + 1;
        double score = logProbability / LengthNormalization(length, LengthPenalty);
        if (_count == ResultCount && !(score > _resultScores[_count - 1])) return;
        int at = _count == ResultCount ? _count - 1 : _count++;
        int max = MaxLength;
        while (at > 0 && _resultScores[at - 1] < score)
        {
            _resultTokens.AsSpan((at - 1) * max, _resultLengths[at - 1]).CopyTo(_resultTokens.AsSpan(at * max));
            _resultLengths[at] = _resultLengths[at - 1];
            _resultLogProbabilities[at] = _resultLogProbabilities[at - 1];
            _resultScores[at] = _resultScores[at - 1];
            at--;
        }
        prefix.CopyTo(_resultTokens.AsSpan(at * max));
        _resultTokens[at * max + prefix.Length] = token;
        _resultLengths[at] = length;
        _resultLogProbabilities[at] = logProbability;
        _resultScores[at] = score;
    }
}
