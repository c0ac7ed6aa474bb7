using Microsoft.ML.OnnxRuntime;

namespace Scribe.Audio;

/// <summary>
/// One stream's Silero VAD v5: feeds 512-sample windows with the previous window's last 64 samples as context
/// and carries the recurrent state from call to call. Every buffer and tensor is made once here and reused, so
/// a frame allocates nothing on our side. Not thread-safe: one per stream.
/// </summary>
public sealed class SileroVoiceActivityDetector : IVoiceActivityDetector
{
    public const string Name = "silero";

    private const float Scale = 1f / 32768f;

    private readonly SileroVadModel _model;
    private readonly RunOptions _run = new();

    // [context | window], scaled to ±1; after each call the window's tail becomes the next context.
    private readonly float[] _audio = new float[SileroVadModel.ContextSamples + IVoiceActivityDetector.FrameSamples];
    private readonly float[] _state;
    private readonly float[] _nextState;
    private readonly float[] _probability = new float[1];
    private readonly long[] _rate = [SileroVadModel.SampleRate];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    // Bound once to the buffers above: a run reads and writes them in place, with no names to marshal per call.
    private readonly OrtIoBinding _binding;

    internal SileroVoiceActivityDetector(SileroVadModel model)
    {
        _model = model;
        _state = new float[model.StateLength];
        _nextState = new float[model.StateLength];
        long[] stateShape = [2, 1, model.StateLength / 2];
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(_audio, [1, _audio.Length]),
            OrtValue.CreateTensorValueFromMemory(_state, stateShape),
            OrtValue.CreateTensorValueFromMemory(_rate, []),
        ];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(_probability, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(_nextState, stateShape),
        ];
        _binding = model.Session.CreateIoBinding();
        for (var i = 0; i < _inputs.Length; i++)
        {
            _binding.BindInput(SileroVadModel.InputNames[i], _inputs[i]);
        }

        for (var i = 0; i < _outputs.Length; i++)
        {
            _binding.BindOutput(SileroVadModel.OutputNames[i], _outputs[i]);
        }
    }

    public string Kind => Name;

    public float SpeechProbability(ReadOnlySpan<short> frame)
    {
        if (frame.Length != IVoiceActivityDetector.FrameSamples)
        {
            throw new ArgumentException($"a frame is {IVoiceActivityDetector.FrameSamples} samples, not {frame.Length}", nameof(frame));
        }

        var window = _audio.AsSpan(SileroVadModel.ContextSamples);
        for (var i = 0; i < frame.Length; i++)
        {
            window[i] = frame[i] * Scale;
        }

        _model.Session.RunWithBinding(_run, _binding);

        _nextState.AsSpan().CopyTo(_state);
        _audio.AsSpan(_audio.Length - SileroVadModel.ContextSamples).CopyTo(_audio);
        return _probability[0];
    }

    public void Reset()
    {
        Array.Clear(_state);
        Array.Clear(_audio);
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _inputs)
        {
            value.Dispose();
        }

        foreach (var value in _outputs)
        {
            value.Dispose();
        }

        _run.Dispose();
    }
}
