using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Scribe.Silo.Hosting;

/// <summary>Binds an options class from its section and validates it at once, naming the setting that is wrong.</summary>
public static partial class ValidatedOptions
{
    /// <exception cref="InvalidConfigurationException">A setting is missing, of the wrong type, or out of range.</exception>
    public static T Bind<T>(IConfiguration configuration, string section, Action<T>? amend = null) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        T options;
        try
        {
            options = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // The binder throws on a value it cannot convert ("abc" for a number), with a stack trace the user need not read.
            throw new InvalidConfigurationException(ConversionError(configuration, e));
        }

        amend?.Invoke(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var first = results[0];
            var member = first.MemberNames.FirstOrDefault();
            var message = first.ErrorMessage ?? "is invalid";
            throw new InvalidConfigurationException(
                message.Contains(':', StringComparison.Ordinal) || member is null ? message : $"{section}:{member}: {message}");
        }

        return options;
    }

    private static string ConversionError(IConfiguration configuration, InvalidOperationException e)
    {
        var match = ConversionMessage().Match(e.Message);
        if (!match.Success)
        {
            return e.Message;
        }

        var path = match.Groups["path"].Value;
        var expected = match.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.UInt16" or "System.UInt32" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration such as 00:00:30",
            var type => "a " + type[(type.LastIndexOf('.') + 1)..],
        };
        return string.Create(CultureInfo.InvariantCulture, $"{path} must be {expected}, not '{configuration[path]}'.");
    }

    [GeneratedRegex("at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionMessage();
}
