namespace Scribe;

/// <summary>Participant grain keys: <c>{room}/{identity}</c>.</summary>
public static class ParticipantKey
{
    public static string Of(string room, string identity) => $"{room}/{identity}";

    /// <summary>The room part of a key whose identity is known (room names may contain '/').</summary>
    public static string RoomOf(string key, string identity) =>
        key.EndsWith("/" + identity, StringComparison.Ordinal) ? key[..^(identity.Length + 1)] : throw new ArgumentException($"Key '{key}' is not for '{identity}'.");
}
