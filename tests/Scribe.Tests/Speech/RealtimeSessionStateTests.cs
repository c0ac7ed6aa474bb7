using Scribe.LocalSpeech;

namespace Scribe.Tests.Speech;

/// <summary>The session's phases and what each event does in each, without a socket or a decoder.</summary>
public sealed class RealtimeSessionStateTests
{
    [Fact]
    public void Before_a_model_commits_are_refused_and_appends_queue()
    {
        var state = new RealtimeSessionState();
        Assert.Equal(CommitDecision.NotValidated, state.Commit(final: false));
        Assert.Equal(CommitDecision.NotValidated, state.Commit(final: true));
        Assert.Equal(AppendDecision.Queue, state.Append());
        Assert.False(state.EndGeneration());
        Assert.Equal(SessionPhase.NoModel, state.Phase);
    }

    [Fact]
    public void A_generation_runs_from_its_commit_through_its_final_commit_to_its_end()
    {
        var state = new RealtimeSessionState();
        state.ValidateModel();
        Assert.Equal(SessionPhase.ModelValidated, state.Phase);

        Assert.Equal(CommitDecision.Start, state.Commit(final: false));
        Assert.Equal(SessionPhase.GenerationRunning, state.Phase);
        Assert.Equal(AppendDecision.Feed, state.Append());
        Assert.Equal(CommitDecision.Ignore, state.Commit(final: false));

        Assert.Equal(CommitDecision.EndAudio, state.Commit(final: true));
        Assert.Equal(SessionPhase.FinalCommitted, state.Phase);
        Assert.Equal(AppendDecision.Drop, state.Append());
        Assert.Equal(CommitDecision.Ignore, state.Commit(final: false));

        Assert.True(state.EndGeneration());
        Assert.Equal(SessionPhase.ModelValidated, state.Phase);
        Assert.False(state.EndGeneration());
        Assert.Equal(AppendDecision.Queue, state.Append());
    }

    [Fact]
    public void A_final_commit_without_a_generation_is_a_mark_in_the_queue()
    {
        var state = new RealtimeSessionState();
        state.ValidateModel();
        Assert.Equal(CommitDecision.MarkQueued, state.Commit(final: true));
        Assert.Equal(SessionPhase.ModelValidated, state.Phase);
        Assert.Equal(CommitDecision.Start, state.Commit(final: false));
    }

    [Fact]
    public void A_failed_generation_returns_to_validated_without_a_final_commit()
    {
        var state = new RealtimeSessionState();
        state.ValidateModel();
        state.Commit(final: false);
        Assert.True(state.EndGeneration());
        state.ValidateModel();
        Assert.Equal(SessionPhase.ModelValidated, state.Phase);
        Assert.Equal(CommitDecision.Start, state.Commit(final: false));
    }
}
