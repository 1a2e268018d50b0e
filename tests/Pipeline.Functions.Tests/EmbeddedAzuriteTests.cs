using System.Net;
using System.Net.Sockets;
using Pipeline.Storage.Emulator;

namespace Pipeline.Functions.Tests;

/// <summary>The host starts Azurite for a local connection when nothing listens, and stops it with itself.</summary>
public sealed class EmbeddedAzuriteTests : IDisposable
{
    private readonly string _location = Directory.CreateTempSubdirectory("azurite").FullName;

    public void Dispose() => Directory.Delete(_location, recursive: true);

    [Fact]
    public async Task Start_NothingListening_StartsAzuriteWithDataInLocation_AndStopStopsIt()
    {
        var (blob, queue, table) = (AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort());
        var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings["AzureWebJobsStorage"] = AzuriteProcess.ConnectionStringFor(blob, queue, table);
        app.Settings["Azurite:Embedded"] = "true";
        app.Settings["Azurite:Location"] = _location;

        var response = await app.CreateClient().GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(AzuriteProcess.IsListening(blob) && AzuriteProcess.IsListening(queue) && AzuriteProcess.IsListening(table));
        Assert.NotEmpty(Directory.GetFileSystemEntries(_location));

        await app.DisposeAsync();

        // Azurite gets SIGTERM and, if it lingers on open keep-alive connections, SIGKILL after 5 s.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (AzuriteProcess.IsListening(blob) || AzuriteProcess.IsListening(queue) || AzuriteProcess.IsListening(table))
        {
            Assert.True(DateTime.UtcNow < deadline, "Azurite still listens 15 s after the host stopped");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Start_SomePortsTaken_FailsNamingThem()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings["AzureWebJobsStorage"] = AzuriteProcess.ConnectionStringFor(taken, AzuriteProcess.FreePort(), AzuriteProcess.FreePort());
        app.Settings["Azurite:Embedded"] = "true";
        app.Settings["Azurite:Location"] = _location;

        var error = Assert.IsAssignableFrom<InvalidOperationException>(app.StartFailure());

        Assert.Contains(taken.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", 10000, 10001, 10002)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://localhost:2/devstoreaccount1;TableEndpoint=http://127.0.0.1:3/devstoreaccount1", 1, 2, 3)]
    public void Endpoints_LocalConnection_YieldsPorts(string connection, int blob, int queue, int table)
    {
        Assert.Equal((blob, queue, table), EmulatorEndpoints.TryParse(connection));
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=k;EndpointSuffix=core.windows.net")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;BlobEndpoint=http://10.0.0.5:1/devstoreaccount1;QueueEndpoint=http://10.0.0.5:2/devstoreaccount1;TableEndpoint=http://10.0.0.5:3/devstoreaccount1")]
    [InlineData("")]
    public void Endpoints_RemoteConnection_IsNull(string connection)
    {
        Assert.Null(EmulatorEndpoints.TryParse(connection));
    }
}
