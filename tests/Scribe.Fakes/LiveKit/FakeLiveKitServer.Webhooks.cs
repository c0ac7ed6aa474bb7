using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>Egress webhooks as LiveKit sends them: in order, one at a time, retried when not answered with 200.</summary>
public sealed partial class FakeLiveKitServer
{
    private readonly Channel<(EgressInfo Info, string StreamUrl)> _egressWebhooks = Channel.CreateUnbounded<(EgressInfo Info, string StreamUrl)>(new() { SingleReader = true });
    private Task _webhookDelivery = Task.CompletedTask;

    /// <summary>Raised on every egress status change (for tests that turn them into egress webhooks).</summary>
    public event Action<EgressInfo>? EgressChanged;

    /// <summary>
    /// From now on, posts egress webhooks as LiveKit does: <c>egress_started</c> when an egress is created,
    /// <c>egress_updated</c> on each status change, <c>egress_ended</c> once it is complete, failed or aborted.
    /// They go out in order, one at a time; a delivery the receiver does not answer with 200 is retried a few
    /// times, each time to <paramref name="target"/> asked afresh (a load balancer in front of the silos).
    /// </summary>
    public void SendWebhooks(LiveKitWebhookSender sender, Func<Uri> target)
    {
        if (!_webhookDelivery.IsCompleted)
        {
            throw new InvalidOperationException("Webhooks are already being sent.");
        }

        _webhookDelivery = Task.Run(() => DeliverWebhooksAsync(sender, target));
    }

    private async Task DeliverWebhooksAsync(LiveKitWebhookSender sender, Func<Uri> target)
    {
        await foreach (var (egress, streamUrl) in _egressWebhooks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                try
                {
                    var delivery = egress.Status switch
                    {
                        EgressStatus.Starting => await sender.EgressStartedAsync(target(), egress, CancellationToken.None, streamUrl).ConfigureAwait(false),
                        EgressStatus.Active or EgressStatus.Ending => await sender.EgressUpdatedAsync(target(), egress, CancellationToken.None, streamUrl).ConfigureAwait(false),
                        _ => await sender.EgressEndedAsync(target(), egress, CancellationToken.None, streamUrl).ConfigureAwait(false),
                    };
                    if (delivery.HttpStatus == 200)
                    {
                        break;
                    }

                    _logger.LogInformation("Webhook for egress {EgressId} answered {Status}; attempt {Attempt}", egress.EgressId, delivery.HttpStatus, attempt);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    _logger.LogInformation("Webhook for egress {EgressId} not delivered: {Error}; attempt {Attempt}", egress.EgressId, ex.Message, attempt);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }
        }
    }
}
