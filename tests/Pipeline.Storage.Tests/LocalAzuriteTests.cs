using System.Net;
using System.Net.Sockets;
using Pipeline.Storage.Emulator;

namespace Pipeline.Storage.Tests;

/// <summary>Both local hosts' rule: Azurite is started for a local connection when nothing listens on its ports.</summary>
public sealed class LocalAzuriteTests : IDisposable
{
    private readonly string _location = Directory.CreateTempSubdirectory("azurite").FullName;

    public void Dispose() => Directory.Delete(_location, recursive: true);

    [Fact]
    public async Task Start_NothingListening_StartsAzuriteWithDataInLocation_AndDisposeStopsIt()
    {
        var (blob, queue, table) = (AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort());

        var azurite = await LocalAzurite.StartIfNeededAsync(AzuriteProcess.ConnectionStringFor(blob, queue, table), Root, _location, TimeSpan.FromMinutes(5), _ => { }, CancellationToken.None);

        Assert.NotNull(azurite);
        Assert.True(AzuriteProcess.IsListening(blob) && AzuriteProcess.IsListening(queue) && AzuriteProcess.IsListening(table));
        Assert.NotEmpty(Directory.GetFileSystemEntries(_location));
        var again = await LocalAzurite.StartIfNeededAsync(AzuriteProcess.ConnectionStringFor(blob, queue, table), Root, _location, TimeSpan.FromMinutes(5), _ => { }, CancellationToken.None);
        Assert.Null(again);

        await azurite.DisposeAsync();

        // Azurite gets SIGTERM and, if it lingers on open keep-alive connections, SIGKILL after 5 s.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (AzuriteProcess.IsListening(blob) || AzuriteProcess.IsListening(queue) || AzuriteProcess.IsListening(table))
        {
            Assert.True(DateTime.UtcNow < deadline, "Azurite still listens 15 s after it was disposed");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Start_SomePortsTaken_FailsNamingThem()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalAzurite.StartIfNeededAsync(
            AzuriteProcess.ConnectionStringFor(taken, AzuriteProcess.FreePort(), AzuriteProcess.FreePort()), Root, _location, TimeSpan.FromMinutes(5), _ => { }, CancellationToken.None));

        Assert.Contains(taken.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RemoteStorage_StartsNothing()
    {
        Assert.Null(await LocalAzurite.StartIfNeededAsync("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=k;EndpointSuffix=core.windows.net", Root, _location, TimeSpan.FromMinutes(5), _ => { }, CancellationToken.None));
    }

    private static string Root => RepositoryRoot.Find() ?? throw new InvalidOperationException("Run inside the checkout.");

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
