using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Security;

/// <summary>
/// Admits a request that carries an operator key, as Azure Functions does: the <c>x-functions-key</c> header or
/// the <c>code</c> query parameter. Keys are compared in constant time. Otherwise: 401 ProblemDetails.
/// </summary>
internal sealed class OperatorKeyFilter(IOptions<OperatorOptions> options) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var given = request.Headers[Header].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (given is not null && options.Value.Keys.Any(k => Matches(k, given)))
        {
            return await next(context);
        }

        return TypedResults.Problem(
            title: "Operator key required",
            detail: given is null
                ? $"Send an operator key in the '{Header}' header or the 'code' query parameter."
                : "The operator key is not valid.",
            statusCode: StatusCodes.Status401Unauthorized);
    }

    private static bool Matches(string key, string given) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));
}
