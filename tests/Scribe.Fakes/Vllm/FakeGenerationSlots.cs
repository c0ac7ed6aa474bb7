namespace Scribe.Fakes.Vllm;

/// <summary>
/// The engine's batch limit (vLLM's <c>--max-num-seqs</c>): at most <see cref="Limit"/> generations run at once;
/// a commit beyond that waits in the scheduler's queue, its audio unread and no delta sent, until one finishes.
/// Every such wait is counted, so a test can fail when our cluster ever makes the server queue a generation.
/// </summary>
public sealed class FakeGenerationSlots
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _queue = new();
    private int _limit = int.MaxValue;
    private int _running;
    private int _peak;
    private int _madeToWait;

    /// <summary>Concurrent generations the engine runs (default: no limit).</summary>
    public int Limit
    {
        get { lock (_gate)
            {
                return _limit;
            }
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (_gate)
            {
                _limit = value;
            }
        }
    }

    /// <summary>Generations running now (vLLM's <c>num_requests_running</c>).</summary>
    public int Running { get { lock (_gate) { return _running; } } }

    /// <summary>Generations queued behind the limit now (vLLM's <c>num_requests_waiting</c>).</summary>
    public int Waiting { get { lock (_gate) { return _queue.Count; } } }

    /// <summary>The most generations that ever ran at once.</summary>
    public int Peak { get { lock (_gate) { return _peak; } } }

    /// <summary>Commits that found every slot taken and had to wait.</summary>
    public int MadeToWait { get { lock (_gate) { return _madeToWait; } } }

    /// <summary>Starts a generation: at once while a slot is free, else when one frees (first come, first served).</summary>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_gate)
        {
            if (_running < _limit)
            {
                Started();
                return;
            }

            _madeToWait++;
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Enqueue(turn);
        }

        try
        {
            await turn.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (!turn.Task.IsCompleted)
                {
                    turn.TrySetCanceled(cancellationToken);
                    throw;
                }
            }

            Exit(); // handed a slot just as the connection went: give it on
            throw;
        }
    }

    /// <summary>A generation finished, failed, or its connection went: its slot goes to the next in the queue.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            _running--;
            while (_queue.TryDequeue(out var next))
            {
                if (next.TrySetResult())
                {
                    Started();
                    return;
                }
            }
        }
    }

    private void Started()
    {
        _running++;
        _peak = Math.Max(_peak, _running);
    }
}
