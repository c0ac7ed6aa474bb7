using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;

namespace Scribe.Tests.Rooms;

/// <summary>
/// An in-memory <see cref="IGrainStorage"/> that serialises like a real provider, enforces etags, and records
/// every write, so tests can see what a flush costs.
/// </summary>
internal sealed class RecordingGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly Dictionary<string, (BinaryData Data, string ETag)> _records = [];
    private int _nextETag;

    public List<(string StateName, int Bytes)> Writes { get; } = [];

    /// <summary>When set, the next write of this state name fails (once), as a lost storage call would.</summary>
    public string? FailNextWriteOf { get; set; }

    public long TotalBytesStored => _records.Values.Sum(r => (long)r.Data.ToMemory().Length);

    public static IGrainStorageSerializer OrleansBinary() =>
        new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>());

    /// <summary>The storage serialiser our silo configures, which its memory and Redis grain storage use.</summary>
    public static IGrainStorageSerializer SiloDefault() => SiloServices.Value.GetRequiredService<IGrainStorageSerializer>();

    private static IServiceProvider Services { get; } = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private static readonly Lazy<IServiceProvider> SiloServices = new(TestSilo.Unstarted);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        lock (_records)
        {
            if (_records.TryGetValue(Key(stateName, grainId), out var record))
            {
                grainState.State = serializer.Deserialize<T>(record.Data);
                grainState.ETag = record.ETag;
                grainState.RecordExists = true;
            }
            else
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
            }
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        lock (_records)
        {
            if (FailNextWriteOf == stateName)
            {
                FailNextWriteOf = null;
                throw new TimeoutException($"Simulated storage failure writing {stateName}.");
            }

            var key = Key(stateName, grainId);
            var current = _records.TryGetValue(key, out var record) ? record.ETag : null;
            if (grainState.ETag != current)
            {
                throw new InconsistentStateException($"ETag mismatch on {key}", grainState.ETag ?? "(none)", current ?? "(none)");
            }

            var data = serializer.Serialize(grainState.State);
            var etag = (++_nextETag).ToString(CultureInfo.InvariantCulture);
            _records[key] = (data, etag);
            grainState.ETag = etag;
            grainState.RecordExists = true;
            Writes.Add((stateName, data.ToMemory().Length));
        }

        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        lock (_records)
        {
            _records.Remove(Key(stateName, grainId));
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{grainId}/{stateName}";
}
