namespace Scribe.Fakes.Vllm;

/// <summary>A generation the fake finished: how much audio it got, in how many appends, and what it heard.</summary>
public sealed record FakeGeneration(string SessionId, int Samples, int Appends, string Text);
