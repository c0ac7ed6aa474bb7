namespace Scribe.Silo.Hosting;

/// <summary>A setting is missing or wrong; the message names it, and the silo stops with that one line.</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);
