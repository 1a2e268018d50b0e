using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Which client a per-client limit counts: X-Forwarded-For only from configured proxies, IPv6 by /64. Shown through
/// the wrong-key limit (2 a minute here): a spoofed header or a rotated IPv6 address does not buy more guesses.
/// </summary>
public sealed class ClientAddressTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new() { Settings = { ["Operator:FailedKeysPerMinute"] = "2", ["Http:ForwardedProxies:0"] = "10.0.0.1" } };

    public Task InitializeAsync()
    {
        _app.ConfigureServices = services => services.AddTransient<IStartupFilter, PeerFromTestHeader>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private Task<HttpStatusCode> GuessAsync(string peer, string? forwardedFor = null) => GuessAsync(_app, peer, forwardedFor);

    private static async Task<HttpStatusCode> GuessAsync(PipelineApplication app, string peer, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/waves");
        request.Headers.Add("x-functions-key", "wrong-key-0123456789abcdef");
        request.Headers.Add(PeerFromTestHeader.Header, peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return (await app.CreateClient().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task ForwardedFor_FromAnAddressThatIsNoProxy_Ignored()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("198.51.100.7", "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("198.51.100.7", "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync("198.51.100.7", "203.0.113.3"));
    }

    [Fact]
    public async Task ForwardedFor_NoProxyConfigured_IgnoredFromAnyone()
    {
        // The deployed default (no Http:ForwardedProxies): rotating the header must not buy more guesses.
        await using var app = new PipelineApplication { Settings = { ["Operator:FailedKeysPerMinute"] = "2" } };
        app.ConfigureServices = services => services.AddTransient<IStartupFilter, PeerFromTestHeader>();
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(app, "198.51.100.7", "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(app, "198.51.100.7", "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(app, "198.51.100.7", "203.0.113.3"));

        // Nor from loopback, which ASP.NET Core would trust by default.
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(app, "127.0.0.1", "203.0.113.4"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(app, "127.0.0.1", "203.0.113.5"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(app, "127.0.0.1", "203.0.113.6"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(app, "198.51.100.8"));
    }

    [Fact]
    public async Task ForwardedFor_FromAConfiguredProxy_NamesTheClient()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("10.0.0.1", "203.0.113.9"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("10.0.0.1", "203.0.113.9"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync("10.0.0.1", "203.0.113.9"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("10.0.0.1", "203.0.113.10"));
    }

    [Fact]
    public async Task Ipv6_AddressesOfOneSlash64_CountAsOneClient()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("2001:db8:1:2::1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("2001:db8:1:2::ffff"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync("2001:db8:1:2:abcd::5"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync("2001:db8:1:3::1"));
    }

    /// <summary>The test server has no socket: the test names the connection's peer address in a header.</summary>
    private sealed class PeerFromTestHeader : IStartupFilter
    {
        public const string Header = "X-Test-Peer";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                if (context.Request.Headers[Header].FirstOrDefault() is { } peer)
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                }

                return then(context);
            });
            next(app);
        };
    }
}
