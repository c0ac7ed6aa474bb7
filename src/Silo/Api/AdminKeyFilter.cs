using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Api;

/// <summary>Lets a request through only with <c>Authorization: Bearer {Admin:ApiKey}</c>.</summary>
public sealed class AdminKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.ApiKey);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var presented = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()) : [];
        if (presented.Length == 0 || !CryptographicOperations.FixedTimeEquals(presented, _key))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                title: "Unauthorized", detail: "Send Authorization: Bearer <Admin:ApiKey>.", statusCode: StatusCodes.Status401Unauthorized));
        }

        return next(context);
    }
}
