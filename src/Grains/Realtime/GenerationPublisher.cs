using Scribe.Audio;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// Turns a generation's text into the speaker's transcript segments: deltas make its interim segment,
/// <c>transcription.done</c> its final one, with times from the audio clock. Counts finished generations.
/// </summary>
internal sealed class GenerationPublisher(SpeakerContext speaker, TranscriberOptions options, ISegmentSink sink, ScribeMetrics metrics, TimeProvider time)
{
    /// <summary>A delta: appended to the generation's text, shown as its interim segment once it has a word.</summary>
    public void Delta(Generation generation, string delta, string? endpoint)
    {
        generation.Text.Append(delta);
        if (!IsBlank(generation.Text))
        {
            Publish(generation, isFinal: false, endpoint);
        }
    }

    /// <summary>
    /// <c>transcription.done</c>: its text is the generation's final segment. A generation that heard no words shows
    /// nothing; an empty <c>done</c> after words were streamed keeps them (deltas are append-only, so it cannot take
    /// them back).
    /// </summary>
    public void Done(Generation generation, string text, string? endpoint)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            generation.Text.Clear().Append(text);
        }

        if (!IsBlank(generation.Text))
        {
            Publish(generation, isFinal: true, endpoint);
        }

        metrics.Generations.Add(1);
        metrics.GenerationSeconds.Add(generation.SampleCount / (double)SpeechAudio.SampleRate);
        metrics.GenerationLatency.Record(time.GetElapsedTime(generation.FinalSentAt).TotalMilliseconds);
    }

    /// <summary>No <c>done</c> will come: the interim text, if any, is kept as final.</summary>
    public void GiveUp(Generation generation, string? endpoint)
    {
        if (!IsBlank(generation.Text))
        {
            Publish(generation, isFinal: true, endpoint);
        }
    }

    private static bool IsBlank(System.Text.StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            if (!chunk.Span.IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    private void Publish(Generation generation, bool isFinal, string? endpoint)
    {
        var first = generation.FirstSpeechSample ?? generation.FirstSample;
        sink.Publish(new TranscriptSegment(
            speaker.SegmentId(generation.Number),
            speaker.Room,
            speaker.Identity,
            speaker.Name,
            speaker.TrackSid,
            speaker.OriginMs + first / SpeechAudio.SamplesPerMs,
            speaker.OriginMs + generation.EndSample / SpeechAudio.SamplesPerMs,
            generation.Text.ToString().Trim(),
            isFinal,
            options.Language,
            endpoint));
    }
}
