namespace Scribe.Participants;

/// <summary>Something that runs up usage until it ends: a speaker stream.</summary>
public interface IUsageSource
{
    bool HasEnded { get; }

    SpeakerUsage Usage { get; }
}

/// <summary>
/// A speaker's usage: the persisted sum of the streams that ended, plus the figures of those still running or
/// finishing. An ended stream is folded in once; the folded sum travels with the grain's state (a hand-off too).
/// </summary>
public sealed class SpeakerUsageLedger(SpeakerUsage folded)
{
    private readonly List<IUsageSource> _open = [];

    /// <summary>The figures of the streams that have ended; what the record keeps.</summary>
    public SpeakerUsage Folded { get; private set; } = folded;

    /// <summary>Everything so far, streams still running included.</summary>
    public SpeakerUsage Total => _open.Aggregate(Folded, (total, source) => total.Plus(source.Usage));

    /// <summary>Whether a stream is still tracked here (running, finishing, or ended but not folded yet).</summary>
    public bool HasOpen => _open.Count > 0;

    /// <summary>Whether a stream is still running or finishing: one that has ended counts no more, folded or not.</summary>
    public bool HasRunning => _open.Exists(source => !source.HasEnded);

    public void Track(IUsageSource source)
    {
        if (!_open.Contains(source))
        {
            _open.Add(source);
        }
    }

    /// <returns>Whether <see cref="Folded"/> changed (the record should be written).</returns>
    public bool FoldEnded()
    {
        var ended = _open.FindAll(source => source.HasEnded);
        foreach (var source in ended)
        {
            Folded = Folded.Plus(source.Usage);
            _open.Remove(source);
        }

        return ended.Count > 0;
    }
}
