using System.ComponentModel.DataAnnotations;

namespace Scribe.Tests.Infrastructure;

/// <summary>Data-annotation validation of an options object, as the silo runs it at start-up.</summary>
public static class OptionsValidation
{
    public static List<ValidationResult> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
