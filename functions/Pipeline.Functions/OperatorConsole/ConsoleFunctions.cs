using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.OperatorConsole;

/// <summary>The operator console's pages (<see cref="ConsolePages"/>), for operators' keys and sessions only.</summary>
internal sealed class ConsoleFunctions
{
    [Function("ConsoleWaves")]
    public static IResult Waves([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request) =>
        HttpFunction.Run(ConsolePages.WavesAsync, Guard.OperatorPageList, Guard.Page);

    [Function("ConsoleOperations")]
    public static IResult Operations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/operations")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, ConsolePages.OperationsAsync, Guard.OperatorPage, Guard.Page);

    [Function("ConsoleNewWave")]
    public static IResult NewWave([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/new")] HttpRequest request) =>
        HttpFunction.Run(ConsolePages.NewWave, Guard.OperatorPage, Guard.Page);

    [Function("ConsoleCreateWave")]
    public static IResult CreateWave([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/waves")] HttpRequest request) =>
        HttpFunction.Run(ConsolePages.CreateAsync, Guard.Audited("wave created"), Guard.OperatorPage, Guard.Page);

    [Function("ConsoleWave")]
    public static IResult Wave([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/waves/{id}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, ConsolePages.WaveAsync, Guard.OperatorPage, Guard.Page);

    [Function("ConsoleConfirm")]
    public static IResult Confirm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/waves/{id}/{action}")] HttpRequest request) =>
        HttpFunction.Run(ConsolePages.ConfirmAsync, Guard.OperatorPage, Guard.Page);

    [Function("ConsoleDefinition")]
    public static IResult Definition([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/waves/{id}/definition/json")] HttpRequest request) =>
        HttpFunction.Run(ConsolePages.DefinitionAsync, Guard.OperatorPage);

    [Function("ConsoleProof")]
    public static IResult Proof([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/waves/{id}/proof/{kind}")] HttpRequest request) =>
        HttpFunction.Run(ConsolePages.ProofAsync, Guard.OperatorPage);

    [Function("ConsoleKeying")]
    public static IResult Keying([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/waves/{id}/keying/forms")] HttpRequest request) =>
        HttpFunction.Run(KeyingPages.StartAsync, Guard.OperatorPage);

    [Function("ConsoleKey")]
    public static IResult Key([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/waves/{id}/keying/forms")] HttpRequest request) =>
        HttpFunction.Run(KeyingPages.KeyAsync, Guard.OperatorPage, Guard.Page);

    [Function("ConsoleAccessAudit")]
    public static IResult AccessAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/audit/log")] HttpRequest request) =>
        HttpFunction.Run(AuditPage.AccessAsync, Guard.OperatorPage);

    [Function("ConsoleAudit")]
    public static IResult Audit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/waves/{id}/audit/log")] HttpRequest request) =>
        HttpFunction.Run(AuditPage.ShowAsync, Guard.OperatorPage);

    [Function("ConsoleAct")]
    public static IResult Act([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/waves/{id}/{action}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, ConsolePages.ActAsync, Guard.Audited("console action"), Guard.OperatorPage, Guard.Page);
}
