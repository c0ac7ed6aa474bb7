using System.Text;
using Scribe.Audio;

namespace Scribe.Realtime;

/// <summary>
/// One utterance sent as one realtime generation (<c>commit</c> → appends → <c>commit final</c> → <c>done</c>): its
/// audio, kept for a replay until the generation ends, and the text the server has sent for it so far.
/// </summary>
internal sealed class Generation(int number, SpeakerUsageMeter usage)
{
    private readonly List<AudioChunk> _audio = [];

    public int Number { get; } = number;
    public IReadOnlyList<AudioChunk> Audio => _audio;
    public StringBuilder Text { get; } = new();

    /// <summary>When the final commit was (last) sent, for the final time-out and the latency metric.</summary>
    public long FinalSentAt { get; set; }

    /// <summary>How often the generation was moved because no <c>transcription.done</c> came.</summary>
    public int StallRecoveries { get; set; }

    public long? FirstSpeechSample { get; private set; }
    public long FirstSample { get; private set; }
    public long EndSample { get; private set; }
    public long SampleCount { get; private set; }
    public int TrailingSilenceMs { get; private set; }
    public long DurationMs => SampleCount / SpeechAudio.SamplesPerMs;

    public void Add(AudioChunk chunk)
    {
        if (_audio.Count == 0)
        {
            FirstSample = chunk.StartSample;
        }

        _audio.Add(chunk);
        EndSample = chunk.EndSample;
        SampleCount += chunk.Samples.Length;
        usage.Generation(chunk.Samples.Length);
        if (chunk.IsSpeech)
        {
            FirstSpeechSample ??= chunk.StartSample;
            TrailingSilenceMs = 0;
        }
        else if (FirstSpeechSample is not null)
        {
            TrailingSilenceMs += chunk.Samples.Length / SpeechAudio.SamplesPerMs;
        }
    }

    /// <summary>The generation is over: its audio will not be replayed, so the buffers go back.</summary>
    public void Release(ChunkBufferPool buffers)
    {
        foreach (var chunk in _audio)
        {
            buffers.Return(chunk);
        }

        _audio.Clear();
    }
}
