using Scribe.Audio;
using Scribe.Realtime;

namespace Scribe.Participants;

/// <summary>
/// One egress connection's worth of a speaker's audio on this silo: egress frames in, transcript segments out.
/// Created by the participant grain, fed by the ingest socket, stopped by either.
/// </summary>
public sealed class SpeakerStream : IAsyncDisposable
{
    private readonly EgressAudioConverter _converter = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SegmentPublisher _publisher;
    private readonly IAsyncDisposable? _broadcaster;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private short[] _converted = new short[4096];
    private int _attached;

    /// <param name="broadcaster">Also fed by the transcriber (the room's data channel); disposed with the stream.</param>
    public SpeakerStream(SpeakerContext speaker, SpeakerTranscriber transcriber, SegmentPublisher publisher, IAsyncDisposable? broadcaster = null)
    {
        _broadcaster = broadcaster;
        Speaker = speaker;
        Transcriber = transcriber;
        _publisher = publisher;
    }

    public SpeakerContext Speaker { get; }

    public SpeakerTranscriber Transcriber { get; }

    /// <summary>Cancelled when the grain stops the stream (track unpublished, participant left, room finished).</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Completes when the stream has ended here, its last segments delivered or given up on.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Only one ingest socket may feed a stream.</summary>
    public bool TryAttach() => Interlocked.Exchange(ref _attached, 1) == 0;

    /// <summary>Converts one egress frame (48 kHz stereo s16le, any size) and passes it on.</summary>
    public ValueTask WriteEgressAudioAsync(ReadOnlySpan<byte> frame, CancellationToken cancellationToken)
    {
        var needed = EgressAudioConverter.MaxOutputSamples(frame.Length);
        if (_converted.Length < needed)
        {
            _converted = new short[needed];
        }

        var count = _converter.Convert(frame, _converted);
        return count == 0 ? ValueTask.CompletedTask : Transcriber.WriteAsync(_converted.AsMemory(0, count), cancellationToken);
    }

    public ValueTask SetMutedAsync(bool muted, CancellationToken cancellationToken) => Transcriber.SetMutedAsync(muted, cancellationToken);

    /// <summary>The egress ended: finish the last generation and deliver every segment to the room.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Transcriber.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await _publisher.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The ingest socket ended and disposed the stream first: it is stopped already.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ended.TrySetResult();
        await Transcriber.DisposeAsync().ConfigureAwait(false);
        await _publisher.DisposeAsync().ConfigureAwait(false);
        if (_broadcaster is not null)
        {
            await _broadcaster.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
