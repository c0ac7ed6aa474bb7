using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Scribe.Rooms;

/// <summary>
/// The transcript a room grain holds: upserts are accepted into a <see cref="RoomTranscript"/>, kept in storage by a
/// <see cref="TranscriptStore"/> (a final before its upsert is acknowledged, interims in batches), merged with what
/// another writer stored on an etag conflict, and handed to watchers as they happen. Lives in one activation's turns.
/// </summary>
public sealed partial class LiveTranscript
{
    private static readonly TimeSpan WatchPulse = TimeSpan.FromSeconds(1);

    private readonly IGrainStorage _storage;
    private readonly GrainId _grainId;
    private readonly string _room;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private RoomTranscript _transcript = new();
    private TranscriptStore _store;

    // Completed and replaced on every accepted change: what waiting watchers await.
    private TaskCompletionSource _changed = NewSignal();

    private LiveTranscript(IGrainStorage storage, GrainId grainId, string room, TimeProvider time, ILogger logger)
    {
        _storage = storage;
        _grainId = grainId;
        _room = room;
        _time = time;
        _logger = logger;
        _store = new TranscriptStore(storage, grainId);
    }

    /// <summary>Reads the room's stored transcript.</summary>
    public static async Task<LiveTranscript> LoadAsync(IGrainStorage storage, GrainId grainId, string room, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var live = new LiveTranscript(storage, grainId, room, time, logger);
        live._transcript = await live._store.LoadAsync(cancellationToken);
        return live;
    }

    /// <summary>The transcript now; later upserts change it.</summary>
    public RoomTranscript Current => _transcript;

    public long Revision => _transcript.Revision;

    public int Count => _transcript.Count;

    public bool HasOpenInterims => _transcript.HasOpenInterims;

    public TranscriptChanges ChangesSince(long revision) => _transcript.ChangesSince(revision);

    /// <summary>Inserts or replaces a segment; a final one is stored before this returns.</summary>
    /// <returns>The revision after the change.</returns>
    public async Task<long> UpsertAsync(TranscriptSegment segment)
    {
        var stored = _transcript.Upsert(segment);
        if (stored is null)
        {
            return _transcript.Revision;
        }

        _store.Track(stored);
        Track(_transcript.CloseAbandonedInterims(stored));
        if (stored.IsFinal)
        {
            // Acknowledged means stored: a final segment survives the loss of this silo.
            await FlushAsync(CancellationToken.None);
        }

        Signal();
        return _transcript.Revision;
    }

    /// <summary>Closes every interim still open as final with its words: what streams that are gone left behind.</summary>
    public void CloseOpenInterims()
    {
        Track(_transcript.CloseOpenInterims());
        Signal();
    }

    /// <summary>
    /// The changes after <paramref name="sinceRevision"/> as they happen, with an empty step after each pulse
    /// without one. Runs on the activation's scheduler (Orleans interleaves it), so reading between awaits is safe.
    /// </summary>
    public async IAsyncEnumerable<TranscriptChanges> WatchAsync(long sinceRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var since = Math.Max(0, sinceRevision);
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = _changed.Task;
            if (_transcript.Revision > since)
            {
                var changes = _transcript.ChangesSince(since);
                since = changes.Revision;
                yield return changes;
                continue;
            }

            if (!await WaitForChangeAsync(changed, cancellationToken))
            {
                // An empty step now and then ends the enumeration's in-flight request, so a deactivation of
                // the room (which waits for running requests) is not held up, and with it every upsert.
                yield return new TranscriptChanges(since, []);
            }
        }
    }

    /// <summary>Writes what changed; on a storage etag conflict, reloads, keeps what either side has, and writes once more.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.FlushAsync(_transcript, cancellationToken);
        }
        catch (InconsistentStateException e)
        {
            // Another activation of this room (a duplicate during a membership change) or an out-of-band
            // writer got there first. Keep every segment either of us has, final text winning, then overwrite.
            LogTranscriptConflict(e, _room);
            var fresh = new TranscriptStore(_storage, _grainId);
            var stored = await fresh.LoadAsync(cancellationToken);
            var merged = TranscriptMerge.Merge(_transcript, stored);
            foreach (var segment in merged.Segments)
            {
                fresh.Track(segment);
            }

            _store = fresh;
            _transcript = merged;
            await _store.FlushAsync(_transcript, cancellationToken);
            Signal();
        }
    }

    /// <summary>Deletes the stored transcript and starts an empty one.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await _store.ClearAsync(cancellationToken);
        _store = new TranscriptStore(_storage, _grainId);
        _transcript = await _store.LoadAsync(cancellationToken);
        Signal();
    }

    private void Track(IReadOnlyList<TranscriptSegment> closed)
    {
        foreach (var segment in closed)
        {
            LogInterimClosed(_room, segment.Id);
            _store.Track(segment);
        }
    }

    /// <returns>False when the pulse period passed without a change.</returns>
    private async Task<bool> WaitForChangeAsync(Task changed, CancellationToken cancellationToken)
    {
        try
        {
            await changed.WaitAsync(WatchPulse, _time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: segment {SegmentId} was left open by a lost stream; closed with the words it had")]
    private partial void LogInterimClosed(string room, string segmentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: transcript storage changed under this activation; reloaded, merged and writing again")]
    private partial void LogTranscriptConflict(Exception exception, string room);
}
