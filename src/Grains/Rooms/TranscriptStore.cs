using Orleans.Storage;

namespace Scribe.Rooms;

/// <summary>
/// Persists a room transcript through a grain storage provider. (Interim shape: one record for the whole
/// transcript; the chunked layout that keeps writes small replaces it.)
/// </summary>
public sealed class TranscriptStore(IGrainStorage storage, GrainId grainId)
{
    private const string StateName = "transcript";
    private readonly GrainState<TranscriptRecord> _state = new(new TranscriptRecord());
    private bool _dirty;

    public int DirtyChunks => _dirty ? 1 : 0;

    public async Task<RoomTranscript> LoadAsync(CancellationToken cancellationToken)
    {
        await storage.ReadStateAsync(StateName, grainId, _state).ConfigureAwait(false);
        _state.State ??= new TranscriptRecord();
        return RoomTranscript.Restore(_state.State.Segments, _state.State.Revision);
    }

    public void Track(TranscriptSegment stored) => _dirty = true;

    public async Task FlushAsync(RoomTranscript transcript, CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        _state.State = new TranscriptRecord { Revision = transcript.Revision, Segments = [.. transcript.Segments] };
        await storage.WriteStateAsync(StateName, grainId, _state).ConfigureAwait(false);
        _dirty = false;
    }
}

[GenerateSerializer, Alias("scribe.transcript-record")]
public sealed class TranscriptRecord
{
    [Id(0)] public long Revision { get; set; }
    [Id(1)] public List<TranscriptSegment> Segments { get; set; } = [];
}
