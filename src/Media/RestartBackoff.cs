namespace Scribe.Media;

/// <summary>
/// When to restart a media process that died: at once after a healthy run (its rooms come back quickest), then
/// doubling from <paramref name="initial"/> up to <paramref name="max"/> while it keeps dying young.
/// </summary>
public sealed class RestartBackoff(TimeSpan initial, TimeSpan max, TimeSpan stableAfter)
{
    private TimeSpan _last = TimeSpan.Zero;
    private int _quickDeaths;

    /// <summary>The wait before the next start, given how long the process that just died had run.</summary>
    public TimeSpan Next(TimeSpan ranFor)
    {
        if (ranFor >= stableAfter)
        {
            _quickDeaths = 0;
        }

        _quickDeaths++;
        _last = _quickDeaths switch
        {
            1 => TimeSpan.Zero,
            2 => initial,
            _ => TimeSpan.FromTicks(Math.Min(max.Ticks, _last.Ticks * 2)),
        };
        return _last;
    }
}
