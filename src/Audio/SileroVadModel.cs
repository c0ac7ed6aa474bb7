using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Scribe.Audio;

/// <summary>
/// The Silero VAD v5 network, loaded once per process and shared by every speaker's detector (an ONNX Runtime
/// session may run from many threads at once; each detector brings its own state).
/// <para>The model's signature, read from its metadata at load: inputs <c>input</c> float [batch, samples]
/// (the window, preceded by a short context from the previous window), <c>state</c> float [2, batch, 128]
/// (the recurrent state) and <c>sr</c> int64 scalar (the sample rate); outputs <c>output</c> float [batch, 1]
/// (the speech probability) and <c>stateN</c> (the state for the next window).</para>
/// </summary>
public sealed class SileroVadModel : IDisposable
{
    public const string AudioInput = "input";
    public const string StateInput = "state";
    public const string RateInput = "sr";
    public const string ProbabilityOutput = "output";
    public const string StateOutput = "stateN";

    /// <summary>At 16 kHz the model expects the last 64 samples of the previous window before each new one.</summary>
    public const int ContextSamples = 64;

    public const int SampleRate = 16_000;

    private SileroVadModel(InferenceSession session, int stateLength)
    {
        Session = session;
        StateLength = stateLength;
    }

    internal InferenceSession Session { get; }

    /// <summary>Floats in the recurrent state for one stream (2 × 1 × 128).</summary>
    internal int StateLength { get; }

    internal static string[] InputNames { get; } = [AudioInput, StateInput, RateInput];

    internal static string[] OutputNames { get; } = [ProbabilityOutput, StateOutput];

    /// <summary>Loads the model and checks that it has the Silero v5 signature.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a Silero VAD v5 model.</exception>
    public static SileroVadModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No Silero VAD model at {path}; run scripts/setup/vad-model.sh", path);
        }

        // The network is tiny: one thread per call beats the cost of waking a thread pool for every 32 ms frame.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path} is not a loadable ONNX model: {e.Message}", e);
        }

        try
        {
            Expect(session.InputMetadata, AudioInput, TensorElementType.Float, rank: 2, path);
            var state = Expect(session.InputMetadata, StateInput, TensorElementType.Float, rank: 3, path);
            Expect(session.InputMetadata, RateInput, TensorElementType.Int64, rank: 0, path);
            Expect(session.OutputMetadata, ProbabilityOutput, TensorElementType.Float, rank: 2, path);
            Expect(session.OutputMetadata, StateOutput, TensorElementType.Float, rank: 3, path);
            // [2, batch, 128]: the batch is ours (one stream), the other sizes are the model's.
            var dimensions = state.Dimensions;
            if (dimensions[0] <= 0 || dimensions[2] <= 0)
            {
                throw new InvalidDataException($"{path}: input {StateInput} has no fixed size ([{string.Join(", ", dimensions)}])");
            }

            return new SileroVadModel(session, dimensions[0] * dimensions[2]);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static NodeMetadata Expect(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, TensorElementType type, int rank, string path)
    {
        if (!nodes.TryGetValue(name, out var node) || !node.IsTensor || node.ElementDataType != type || node.Dimensions.Length != rank)
        {
            var found = string.Join(", ", nodes.Select(n => $"{n.Key} {(n.Value.IsTensor ? n.Value.ElementDataType : "non-tensor")}[{n.Value.Dimensions.Length}]"));
            throw new InvalidDataException($"{path} is not a Silero VAD v5 model: expected {name} as a rank-{rank} {type} tensor; found {found}");
        }

        return node;
    }

    public SileroVoiceActivityDetector CreateDetector() => new(this);

    public void Dispose() => Session.Dispose();
}
