using System.Globalization;
using Orleans.Storage;

namespace Scribe.Rooms;

/// <summary>
/// Persists a room transcript as fixed-size chunks plus a small head, so a change rewrites one chunk and
/// the head instead of the whole transcript. A segment belongs to the chunk that was open when its id was
/// first seen, so all of its later updates touch that same chunk.
/// </summary>
/// <remarks>
/// Writes go chunks first, head last. A flush cut short leaves chunks newer than the head, which a reload
/// still picks up: chunks past the head's count are probed, and the revision is the highest one found.
/// Not thread-safe: use it from the owning grain's turns.
/// </remarks>
public sealed class TranscriptStore
{
    // Every final segment waits for its chunk to be serialized and written, so a chunk's size is what one final
    // costs: at 256 the chunk writes were a tenth of a busy silo's CPU (ingest-load, bench/README.md); at 64 a
    // two-hour meeting of ten speakers is still only a few hundred chunks to read when the room loads.
    public const int DefaultChunkSize = 64;

    private readonly IGrainStorage _storage;
    private readonly GrainId _grainId;
    private readonly string _stateName;
    private readonly int _chunkSize;

    private readonly GrainState<TranscriptHead> _head = new(new TranscriptHead());
    private readonly List<GrainState<TranscriptChunk>> _chunks = [];
    private readonly List<List<string>> _chunkIds = [];
    private readonly Dictionary<string, int> _chunkOf = new(StringComparer.Ordinal);
    private readonly HashSet<int> _dirty = [];
    private long _flushedRevision;
    private bool _headDirty;
    private bool _loaded;

    /// <param name="storage">The grain storage provider, e.g. the one registered under the room's storage name.</param>
    /// <param name="grainId">The owning grain; with the state names it forms the storage keys.</param>
    /// <param name="stateName">Name of the head; chunks are <c>{stateName}-{n}</c>.</param>
    /// <param name="chunkSize">Segments per chunk. Changing it later is safe: existing chunks keep their content.</param>
    public TranscriptStore(IGrainStorage storage, GrainId grainId, string stateName = "transcript", int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateName);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _storage = storage;
        _grainId = grainId;
        _stateName = stateName;
        _chunkSize = chunkSize;
    }

    /// <summary>Chunks with changes not yet flushed.</summary>
    public int DirtyChunks => _dirty.Count;

    public int ChunkCount => _chunks.Count;

    /// <summary>Media-clock origin of the room, kept in the head.</summary>
    public DateTimeOffset? ClockOrigin
    {
        get => Head.ClockOrigin;
        set
        {
            _headDirty |= Head.ClockOrigin != value;
            Head.ClockOrigin = value;
        }
    }

    /// <summary>Lifecycle state of the room, kept in the head.</summary>
    public RoomState State
    {
        get => Head.State;
        set
        {
            _headDirty |= Head.State != value;
            Head.State = value;
        }
    }

    /// <summary>Reads the head and every chunk, and rebuilds the transcript with its revision.</summary>
    public async Task<RoomTranscript> LoadAsync(CancellationToken cancellationToken)
    {
        await _storage.ReadStateAsync(_stateName, _grainId, _head, cancellationToken);

        var expected = new GrainState<TranscriptChunk>[Head.ChunkCount];
        for (var n = 0; n < expected.Length; n++)
        {
            expected[n] = new GrainState<TranscriptChunk>(new TranscriptChunk());
        }

        await Task.WhenAll(expected.Select((chunk, n) => _storage.ReadStateAsync(ChunkName(n), _grainId, chunk, cancellationToken)));

        _chunks.Clear();
        _chunks.AddRange(expected);
        while (true)
        {
            // A flush that failed before its head write may have left newer chunks behind the head's count.
            var extra = new GrainState<TranscriptChunk>(new TranscriptChunk());
            await _storage.ReadStateAsync(ChunkName(_chunks.Count), _grainId, extra, cancellationToken);
            if (!extra.RecordExists)
            {
                break;
            }

            _chunks.Add(extra);
        }

        _chunkIds.Clear();
        _chunkOf.Clear();
        _dirty.Clear();
        var segments = new List<TranscriptSegment>();
        for (var n = 0; n < _chunks.Count; n++)
        {
            var ids = new List<string>();
            foreach (var segment in _chunks[n].State?.Segments ?? [])
            {
                // The first chunk holding an id stays its home; Restore keeps the newest copy should there be two.
                if (_chunkOf.TryAdd(segment.Id, n))
                {
                    ids.Add(segment.Id);
                }

                segments.Add(segment);
            }

            _chunkIds.Add(ids);
        }

        var transcript = RoomTranscript.Restore(segments, Head.Revision);
        _flushedRevision = transcript.Revision;
        _headDirty = _chunks.Count != Head.ChunkCount || transcript.Revision != Head.Revision;
        _loaded = true;
        return transcript;
    }

    /// <summary>Marks the chunk of a segment the transcript accepted as needing a write.</summary>
    /// <param name="stored">The segment returned by <see cref="RoomTranscript.Upsert"/>.</param>
    public void Track(TranscriptSegment stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        EnsureLoaded();
        if (!_chunkOf.TryGetValue(stored.Id, out var n))
        {
            n = _chunkIds.Count - 1;
            if (n < 0 || _chunkIds[n].Count >= _chunkSize)
            {
                n = _chunkIds.Count;
                _chunkIds.Add([]);
                _chunks.Add(new GrainState<TranscriptChunk>(new TranscriptChunk()));
            }

            _chunkIds[n].Add(stored.Id);
            _chunkOf[stored.Id] = n;
        }

        _dirty.Add(n);
    }

    /// <summary>Writes the dirty chunks from the transcript's current segments, then the head if anything changed.</summary>
    /// <remarks>
    /// Changes since the last successful flush count as tracked even if <see cref="Track"/> was not called for
    /// them, so a forgotten call cannot lose a segment; calling it still keeps <see cref="DirtyChunks"/> current.
    /// </remarks>
    public async Task FlushAsync(RoomTranscript transcript, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        EnsureLoaded();
        var revision = transcript.Revision;
        if (revision > _flushedRevision)
        {
            foreach (var changed in transcript.ChangesSince(_flushedRevision).Segments)
            {
                Track(changed);
            }
        }

        var dirty = _dirty.Order().ToList();
        _dirty.Clear();
        var written = 0;
        try
        {
            foreach (var n in dirty)
            {
                var chunk = _chunks[n];
                var segments = new List<TranscriptSegment>(_chunkIds[n].Count);
                foreach (var id in _chunkIds[n])
                {
                    if (transcript.TryGet(id, out var segment))
                    {
                        segments.Add(segment);
                    }
                }

                chunk.State = new TranscriptChunk { Segments = segments };
                await _storage.WriteStateAsync(ChunkName(n), _grainId, chunk, cancellationToken);
                written++;
            }

            // The chunks now hold every change up to here; a failing head write only needs the head retried.
            _flushedRevision = revision;
            var head = Head;
            if (dirty.Count > 0 || _headDirty || head.Revision != revision || head.ChunkCount != _chunks.Count)
            {
                // The revision captured before the writes: changes made while they were in flight may not be in the chunks yet.
                head.Revision = revision;
                head.ChunkCount = _chunks.Count;
                head.SegmentCount = transcript.Count;
                await _storage.WriteStateAsync(_stateName, _grainId, _head, cancellationToken);
                _headDirty = false;
            }
        }
        catch
        {
            // What was not written stays dirty for the next flush; the head is rewritten whenever chunks are.
            _dirty.UnionWith(dirty.Skip(written));
            _headDirty = true;
            throw;
        }
    }

    /// <summary>Deletes the head and every chunk, leaving the store loaded and empty.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        EnsureLoaded();
        // Chunks first, head last, as in a flush: a clear cut short leaves a head whose reload still finds what is left.
        for (var n = _chunks.Count - 1; n >= 0; n--)
        {
            await _storage.ClearStateAsync(ChunkName(n), _grainId, _chunks[n], cancellationToken);
        }

        await _storage.ClearStateAsync(_stateName, _grainId, _head, cancellationToken);
        _head.State = new TranscriptHead();
        _chunks.Clear();
        _chunkIds.Clear();
        _chunkOf.Clear();
        _dirty.Clear();
        _flushedRevision = 0;
        _headDirty = false;
    }

    // Storage providers may leave State null for a record that does not exist yet.
    private TranscriptHead Head => _head.State ??= new TranscriptHead();

    private string ChunkName(int n) => string.Create(CultureInfo.InvariantCulture, $"{_stateName}-{n}");

    private void EnsureLoaded()
    {
        if (!_loaded)
        {
            throw new InvalidOperationException("Load the transcript store before tracking or flushing, so existing chunks are not overwritten.");
        }
    }
}
