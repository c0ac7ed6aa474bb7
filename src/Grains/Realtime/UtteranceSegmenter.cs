using Scribe.Audio;

namespace Scribe.Realtime;

/// <summary>Where a speaker's stream stands between utterances and generations.</summary>
public enum SegmenterPhase
{
    /// <summary>No generation: silence fills the pre-roll.</summary>
    BetweenGenerations,

    /// <summary>A generation is open and takes the audio.</summary>
    Taking,

    /// <summary>The final commit went out; until <c>transcription.done</c> new audio is held for the next generation.</summary>
    Finishing,
}

/// <summary>What became of one chunk, and so what the session must be told.</summary>
public enum ChunkOutcome
{
    /// <summary>Kept as pre-roll (silence, or speech after <see cref="UtteranceSegmenter.EndAtNextPause"/>); nothing to send.</summary>
    KeptBeforeSpeech,

    /// <summary>Speech opened a generation: commit, then its pre-roll and this chunk.</summary>
    Opened,

    /// <summary>Added to the running generation: append it.</summary>
    Appended,

    /// <summary>
    /// Added to the running generation, which it ends (pause or window full): append it, then <see
    /// cref="UtteranceSegmenter.Finish"/> and commit final. The generation still takes audio until then, so a replay
    /// of the append does not send the final commit twice.
    /// </summary>
    AppendedAndEnded,

    /// <summary>A final commit is out: held for the next generation (the server would drop it).</summary>
    Held,
}

/// <summary>
/// Cuts a speaker's chunks into generations: pure logic, no sockets, no clocks. It owns the pre-roll, the audio
/// held while a generation finishes, and the running generation, and so the buffers of all of them: a chunk's
/// buffer goes back to the pool when it is pushed out of the pre-roll, cleared by a mute, or with its generation.
/// Used by the transcriber's loop only.
/// </summary>
internal sealed class UtteranceSegmenter(TranscriberOptions options, ChunkBufferPool buffers, SpeakerUsageMeter usage)
{
    private readonly Queue<AudioChunk> _preRoll = new();
    private readonly Queue<AudioChunk> _held = new();
    private int _preRollSamples;
    private Generation? _current;
    private int _nextNumber;
    private volatile SegmenterPhase _phase = SegmenterPhase.BetweenGenerations;
    private volatile bool _endingAtPause;

    public SegmenterPhase Phase => _phase;

    /// <summary>The running generation (taking audio or finishing); null between generations.</summary>
    public Generation? Current => _current;

    public int HeldCount => _held.Count;

    /// <summary>Silence since the last generation ended (or since the last <see cref="ResetSilence"/>), in samples.</summary>
    public long SilentSamples { get; private set; }

    /// <summary>No new generation opens from now on; the running one still ends at its pause. Safe from any thread.</summary>
    public void EndAtNextPause() => _endingAtPause = true;

    public ChunkOutcome Accept(AudioChunk chunk)
    {
        switch (_phase)
        {
            case SegmenterPhase.Finishing:
                _held.Enqueue(chunk);
                return ChunkOutcome.Held;

            case SegmenterPhase.BetweenGenerations when !chunk.IsSpeech:
                KeepPreRoll(chunk);
                SilentSamples += chunk.Samples.Length;
                return ChunkOutcome.KeptBeforeSpeech;

            case SegmenterPhase.BetweenGenerations when _endingAtPause:
                // This stream is handing over: the next utterance belongs to the speaker's next stream. The chunk goes
                // where silence goes, so its buffer is returned like any other.
                KeepPreRoll(chunk);
                return ChunkOutcome.KeptBeforeSpeech;

            case SegmenterPhase.BetweenGenerations:
                SilentSamples = 0;
                Open(chunk);
                return ChunkOutcome.Opened;

            default:
                var generation = _current!;
                generation.Add(chunk);
                var windowFull = generation.DurationMs >= options.MaxGenerationMs
                    && (!chunk.IsSpeech || generation.DurationMs >= options.MaxGenerationMs + options.WindowGraceMs);
                return generation.TrailingSilenceMs >= options.PauseMs || windowFull ? ChunkOutcome.AppendedAndEnded : ChunkOutcome.Appended;
        }
    }

    /// <summary>Ends the audio of the generation taking it (a pause, a mute, the end of the stream); false when none was.</summary>
    public bool Finish()
    {
        if (_phase != SegmenterPhase.Taking)
        {
            return false;
        }

        _phase = SegmenterPhase.Finishing;
        return true;
    }

    /// <summary>A mute: the pre-roll is stale, and the running generation ends (true when it must be told to).</summary>
    public bool Mute()
    {
        ReleasePreRoll();
        return Finish();
    }

    /// <summary>The running generation is done (or given up): its buffers go back and held audio can flow again.</summary>
    public void Complete()
    {
        var generation = _current!;
        _current = null;
        _phase = SegmenterPhase.BetweenGenerations;
        generation.Release(buffers);
    }

    /// <summary>The next held chunk, while no generation is finishing.</summary>
    public bool TryTakeHeld(out AudioChunk chunk)
    {
        if (_phase != SegmenterPhase.Finishing && _held.TryDequeue(out var next))
        {
            chunk = next;
            return true;
        }

        chunk = null!;
        return false;
    }

    public void ResetSilence() => SilentSamples = 0;

    public void ReleasePreRoll()
    {
        while (_preRoll.TryDequeue(out var chunk))
        {
            buffers.Return(chunk);
        }

        _preRollSamples = 0;
    }

    private void Open(AudioChunk speech)
    {
        var generation = new Generation(_nextNumber++, usage);
        foreach (var chunk in _preRoll)
        {
            generation.Add(chunk);
        }

        _preRoll.Clear();
        _preRollSamples = 0;
        generation.Add(speech);
        _current = generation;
        _phase = SegmenterPhase.Taking;
    }

    private void KeepPreRoll(AudioChunk chunk)
    {
        _preRoll.Enqueue(chunk);
        _preRollSamples += chunk.Samples.Length;
        while (_preRoll.Count > 0 && _preRollSamples > options.PreRollMs * SpeechAudio.SamplesPerMs)
        {
            var dropped = _preRoll.Dequeue();
            _preRollSamples -= dropped.Samples.Length;
            buffers.Return(dropped);
        }
    }
}
