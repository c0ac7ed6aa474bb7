using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Scribe.Fakes.Vllm;

public sealed partial class FakeVllmServer
{
    /// <summary>The engine side of a connection: one generation at a time, its audio, deltas, done or failure.</summary>
    private sealed partial class Connection
    {
        private List<short>? _generation;
        private int _emitted;
        private int _appendsInGeneration;
        private int _generationSamples;
        private int _stepSamples;
        private bool _doomed;
        private bool _dead;
        private bool _holdsSlot;

        /// <summary>
        /// Scheduled like a vLLM request: beyond the batch limit it queues, and this connection's later events (its
        /// audio) wait unread behind it.
        /// </summary>
        private async Task StartGenerationAsync(CancellationToken cancellationToken)
        {
            ReleaseSlot(); // a stalled generation's request, given up by the client
            await server.GenerationSlots.EnterAsync(cancellationToken);
            _holdsSlot = true;
            _generation = [];
            _generationSamples = 0;
            _emitted = 0;
            _appendsInGeneration = 0;
            _stepSamples = 0;
            _dead = false;
            var started = Interlocked.Increment(ref server._generationsStarted);
            _doomed = server.FailEveryNthGeneration > 0 && started % server.FailEveryNthGeneration == 0;
        }

        private async Task AppendAsync(JsonElement root, CancellationToken cancellationToken)
        {
            if (!root.TryGetProperty("audio", out var audio) || audio.ValueKind != JsonValueKind.String)
            {
                // vLLM fails to read the event before it looks at any audio.
                await ViolateAsync("append without audio", "processing_error", cancellationToken);
                return;
            }

            if (!TryDecodeAudio(root, out var bytes, out var length))
            {
                await ViolateAsync("append with invalid base64", "invalid_audio", cancellationToken);
                return;
            }

            if (length == 0 || length % 2 != 0)
            {
                await ViolateAsync($"append of {length} bytes (empty or not PCM16)", "invalid_audio", cancellationToken);
                return;
            }

            if (length > 16_000 * 2)
            {
                server.Violations.Enqueue($"append of {length / 32} ms: audio must go in ~100 ms chunks");
            }

            if (_generation is null && _dead)
            {
                return; // queued behind a failed engine request, never read
            }

            if (_generation is null)
            {
                server.Violations.Enqueue(_validated ? "append outside a generation (before commit, or after final commit)" : "append before session.update + commit");
                return;
            }

            if (await BreakOrGarbleAsync(cancellationToken))
            {
                return;
            }

            _appendsInGeneration++;
            _generationSamples += length / 2;
            _stepSamples += length / 2;
            if (_doomed && _generationSamples >= 8_000)
            {
                await FailGenerationAsync(cancellationToken);
                return;
            }

            if (bytes is null)
            {
                await SendEmptyStepsAsync(0, cancellationToken);
                return; // a load run: only the count matters, and keeping the samples would cost more than the client under test
            }

            for (var i = 0; i < bytes.Length; i += 2)
            {
                _generation.Add(BitConverter.ToInt16(bytes, i));
            }

            await SendNewWordsAsync(_generation, cancellationToken);
        }

        /// <summary>The scripted socket break, or a message outside the protocol; true when the socket is gone.</summary>
        private async Task<bool> BreakOrGarbleAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref server._appendsUntilBreak) == 0 || server.Chaos.Roll(server.Chaos.CloseProbability))
            {
                socket.Abort();
                return true;
            }

            if (server.Chaos.Roll(server.Chaos.GarbageProbability))
            {
                // Not part of the protocol: a client must log it and carry on.
                var garbage = server.Chaos.Pick(["{\"type\":\"rate_limits.updated\"}", "not json at all", "{\"no_type\":1}", "{\"type\":\"transcription.delta\"}"]);
                await socket.SendAsync(Encoding.UTF8.GetBytes(garbage), WebSocketMessageType.Text, true, cancellationToken);
            }

            return false;
        }

        /// <summary>Words are emitted once finished, append-only, like a streaming model's deltas.</summary>
        private async Task SendNewWordsAsync(List<short> generation, CancellationToken cancellationToken)
        {
            var words = ToneSpeech.Decode(generation.ToArray(), includeUnfinished: false);
            var sent = 0;
            while (_emitted < words.Count)
            {
                await SendAsync(new { type = "transcription.delta", delta = (_emitted == 0 ? "" : " ") + words[_emitted] }, cancellationToken);
                _emitted++;
                sent++;
            }

            await SendEmptyStepsAsync(sent, cancellationToken);
        }

        /// <summary>The engine steps this audio completed that no word ended in decode to <c>""</c>.</summary>
        private async Task SendEmptyStepsAsync(int textDeltas, CancellationToken cancellationToken)
        {
            const int StepSamples = 1_280;
            var steps = _stepSamples / StepSamples;
            _stepSamples -= steps * StepSamples;
            if (!server.StepDeltas)
            {
                return;
            }

            for (var step = textDeltas; step < steps; step++)
            {
                await SendAsync(new { type = "transcription.delta", delta = "" }, cancellationToken);
                Interlocked.Increment(ref server._emptyDeltas);
            }
        }

        /// <summary>The engine failed this generation's request: an error, no done, and nothing reads its audio again.</summary>
        private async Task FailGenerationAsync(CancellationToken cancellationToken)
        {
            _generation = null;
            _doomed = false;
            _dead = true;
            ReleaseSlot();
            Interlocked.Increment(ref server._processingErrors);
            await SendAsync(new { type = "error", error = "engine failed while processing the request", code = "processing_error" }, cancellationToken);
        }

        /// <summary>
        /// The append's audio: decoded when the server transcribes; in a load run only checked and measured, straight
        /// from the UTF-8 JSON with nothing allocated (thousands arrive a second, in the process that also plays egress).
        /// </summary>
        private bool TryDecodeAudio(JsonElement root, out byte[]? bytes, out int length)
        {
            bytes = null;
            length = 0;
            if (!root.TryGetProperty("audio", out var audio) || audio.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            if (!server.Transcribes)
            {
                var quoted = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(audio);
                return System.Buffers.Text.Base64.IsValid(quoted[1..^1], out length);
            }

            if (!audio.TryGetBytesFromBase64(out bytes))
            {
                return false;
            }

            length = bytes.Length;
            return true;
        }

        private async Task FinishGenerationAsync(CancellationToken cancellationToken)
        {
            var samples = _generation!.ToArray();
            var sampleCount = _generationSamples;
            _generation = null;
            if (server.Chaos.Roll(server.Chaos.StallProbability))
            {
                return; // swallowed: no transcription.done will come
            }

            await Task.Delay(server.DoneDelay, cancellationToken);
            var words = server.Transcribes ? ToneSpeech.Decode(samples) : [];
            for (; _emitted < words.Count; _emitted++)
            {
                await SendAsync(new { type = "transcription.delta", delta = (_emitted == 0 ? "" : " ") + words[_emitted] }, cancellationToken);
            }

            var text = string.Join(' ', words);
            ReleaseSlot(); // the engine frees the request before its last output reaches the client
            server.Generations.Enqueue(new FakeGeneration(_id, sampleCount, _appendsInGeneration, text));
            // One completion token per 80 ms engine step (1,280 samples), as vLLM counts Voxtral Realtime.
            var steps = (sampleCount + 1279) / 1280;
            await SendAsync(new { type = "transcription.done", text, usage = new { prompt_tokens = 0, completion_tokens = steps, total_tokens = steps } }, cancellationToken);
        }
    }
}
