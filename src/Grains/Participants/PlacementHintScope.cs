using Orleans.Runtime.Placement;

namespace Scribe.Participants;

/// <summary>
/// Sets the placement hint of the current request context to a silo, and puts back what was there when disposed:
/// <c>MigrateOnIdle</c> reads the hint to choose where a grain goes, and the context must not keep it afterwards.
/// </summary>
internal readonly struct PlacementHintScope : IDisposable
{
    private readonly object? _previous;

    private PlacementHintScope(object? previous) => _previous = previous;

    public static PlacementHintScope Toward(SiloAddress target)
    {
        var previous = RequestContext.Get(IPlacementDirector.PlacementHintKey);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        return new PlacementHintScope(previous);
    }

    public void Dispose()
    {
        if (_previous is null)
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
        else
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, _previous);
        }
    }
}
