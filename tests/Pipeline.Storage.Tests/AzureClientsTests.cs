using System.ComponentModel.DataAnnotations;
using Azure.Identity;
using Pipeline.Storage.Azure;
using Pipeline.Storage.Emulator;

namespace Pipeline.Storage.Tests;

/// <summary>
/// Connections as Functions reads <c>AzureWebJobsStorage</c>: a connection string, or an identity-based connection. The
/// credential path cannot reach a real account here, so these tests check the parsing and the clients built, not a login.
/// </summary>
public sealed class AzureClientsTests
{
    [Fact]
    public void ConnectionString_Azurite_ClientsOnItsEndpoints()
    {
        var clients = new AzureClients(new StorageOptions { ConnectionString = AzuriteProcess.ConnectionStringFor(10000, 10001, 10002) });

        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", clients.Blobs.Uri.ToString().TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1", clients.Tables.Uri.ToString().TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1", clients.Queues.Uri.ToString().TrimEnd('/'));
    }

    [Fact]
    public void AccountName_IdentityBased_TheAccountsStandardEndpoints()
    {
        var options = new StorageOptions { AccountName = "pipelinedata" };

        var clients = new AzureClients(options);

        Assert.Empty(Validate(options));
        Assert.Equal("https://pipelinedata.blob.core.windows.net/", clients.Blobs.Uri.ToString());
        Assert.Equal("https://pipelinedata.table.core.windows.net/", clients.Tables.Uri.ToString());
        Assert.Equal("https://pipelinedata.queue.core.windows.net/", clients.Queues.Uri.ToString());
        Assert.IsType<DefaultAzureCredential>(AzureClients.Credential(options));
    }

    [Fact]
    public void ServiceUris_WithManagedIdentity_ThoseEndpointsAndThatCredential()
    {
        var options = new StorageOptions
        {
            BlobServiceUri = new Uri("https://blobs.example.net/"),
            TableServiceUri = new Uri("https://tables.example.net/"),
            QueueServiceUri = new Uri("https://queues.example.net/"),
            Credential = "managedidentity",
            ClientId = "00000000-0000-0000-0000-000000000001",
        };

        var clients = new AzureClients(options);

        Assert.Empty(Validate(options));
        Assert.Equal("https://tables.example.net/", clients.Tables.Uri.ToString());
        Assert.IsType<ManagedIdentityCredential>(AzureClients.Credential(options));
    }

    [Theory]
    [InlineData(null, "AzureWebJobsStorage is required")]
    [InlineData("https://blobs.example.net/", "go together")]
    public void Nothing_OrOnlySomeServiceUris_RefusedNamingTheKeys(string? blob, string says)
    {
        var errors = Validate(new StorageOptions { BlobServiceUri = blob is null ? null : new Uri(blob) });

        Assert.Contains(says, Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", true)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + "a2V5", true)]
    [InlineData("not a connection string", false)]
    public void ConnectionString_ParsedByTheSdk_OrRefusedWithoutEchoingIt(string connection, bool valid)
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { ConnectionString = connection });

        Assert.Equal(valid, result.Succeeded);
        Assert.DoesNotContain(connection, result.FailureMessage ?? string.Empty, StringComparison.Ordinal);
    }

    private static List<ValidationResult> Validate(StorageOptions options)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        return errors;
    }
}
