namespace Scribe.LocalSpeech;

/// <summary>Where a realtime session stands.</summary>
internal enum SessionPhase
{
    /// <summary>No <c>session.update</c> with a served model yet: commits are refused.</summary>
    NoModel,

    /// <summary>A model was validated and no generation runs: appends queue up for the next one.</summary>
    ModelValidated,

    /// <summary>A commit started a generation: appends feed it.</summary>
    GenerationRunning,

    /// <summary>The final commit ended the generation's audio; its done is not sent yet: appends are dropped.</summary>
    FinalCommitted,
}

/// <summary>What to do with an append's audio.</summary>
internal enum AppendDecision
{
    /// <summary>No generation reads the queue: queue it without waiting (waiting would stall the reader before the commit).</summary>
    Queue,

    /// <summary>A generation drains the queue: waiting for room is back-pressure.</summary>
    Feed,

    /// <summary>Between a final commit and its done: vLLM drops it, so do we.</summary>
    Drop,
}

/// <summary>What a commit does.</summary>
internal enum CommitDecision
{
    /// <summary>Refused with <c>model_not_validated</c>.</summary>
    NotValidated,

    /// <summary>A generation starts over queued and future audio.</summary>
    Start,

    /// <summary>A generation runs already: vLLM ignores the commit.</summary>
    Ignore,

    /// <summary>A final commit on a running generation: its audio ends here.</summary>
    EndAudio,

    /// <summary>A final commit with no generation: the end mark waits in the queue and ends the next generation there.</summary>
    MarkQueued,
}

/// <summary>
/// The session's state machine (no model → model validated → generation running → final committed → model
/// validated). The socket reader and the decoding worker both move it, hence the lock; it does no I/O.
/// </summary>
internal sealed class RealtimeSessionState
{
    private readonly Lock _lock = new();
    private SessionPhase _phase = SessionPhase.NoModel;

    public SessionPhase Phase
    {
        get
        {
            lock (_lock)
            {
                return _phase;
            }
        }
    }

    /// <summary>A <c>session.update</c> named a model this endpoint serves. A refused one later does not undo it, as in vLLM.</summary>
    public void ValidateModel()
    {
        lock (_lock)
        {
            if (_phase == SessionPhase.NoModel)
            {
                _phase = SessionPhase.ModelValidated;
            }
        }
    }

    public AppendDecision Append()
    {
        lock (_lock)
        {
            return _phase switch
            {
                SessionPhase.GenerationRunning => AppendDecision.Feed,
                SessionPhase.FinalCommitted => AppendDecision.Drop,
                _ => AppendDecision.Queue,
            };
        }
    }

    public CommitDecision Commit(bool final)
    {
        lock (_lock)
        {
            switch (_phase)
            {
                case SessionPhase.NoModel:
                    return CommitDecision.NotValidated;
                case SessionPhase.ModelValidated when final:
                    return CommitDecision.MarkQueued;
                case SessionPhase.ModelValidated:
                    _phase = SessionPhase.GenerationRunning;
                    return CommitDecision.Start;
                case SessionPhase.GenerationRunning when final:
                    _phase = SessionPhase.FinalCommitted;
                    return CommitDecision.EndAudio;
                case SessionPhase.FinalCommitted when final:
                    // A second end mark; the generation ends at the first and the rest of the queue is dropped.
                    return CommitDecision.EndAudio;
                default:
                    return CommitDecision.Ignore;
            }
        }
    }

    /// <summary>The generation is over (done about to go out, or failed); true when one was running.</summary>
    public bool EndGeneration()
    {
        lock (_lock)
        {
            var running = _phase is SessionPhase.GenerationRunning or SessionPhase.FinalCommitted;
            if (running)
            {
                _phase = SessionPhase.ModelValidated;
            }

            return running;
        }
    }
}
