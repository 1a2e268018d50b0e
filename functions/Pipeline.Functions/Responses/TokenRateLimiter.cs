using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Responses;

/// <summary>
/// Limits submissions and form posts per token (keyed by its hash), <see cref="ResponseOptions.TokenPermitsPerMinute"/>
/// a minute, so that one letter cannot be used to hammer the store.
/// </summary>
internal sealed class TokenRateLimiter(IOptions<ResponseOptions> options) : PerKeyLimiter(() => options.Value.TokenPermitsPerMinute);
