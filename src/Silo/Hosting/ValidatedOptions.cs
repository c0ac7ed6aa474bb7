using System.ComponentModel.DataAnnotations;

namespace Scribe.Silo.Hosting;

/// <summary>Binds an options class from its section and validates it at once, naming the setting that is wrong.</summary>
public static class ValidatedOptions
{
    public static T Bind<T>(IConfiguration configuration, string section, Action<T>? amend = null) where T : class, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
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
}
