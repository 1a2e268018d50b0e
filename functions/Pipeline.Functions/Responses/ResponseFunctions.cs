using Microsoft.Azure.Functions.Worker;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Responses;

/// <summary>The respondents' side: the form pages, <c>POST /api/responses</c>, the opt-out, and the hourly release.</summary>
internal sealed class ResponseFunctions
{
    private readonly ResponseRelease _release;

    public ResponseFunctions(ResponseRelease release)
    {
        _release = release;
    }

    /// <summary>
    /// The site's root, where the letter sends respondents. An empty route is no root: the Functions host serves it at the
    /// function's name (azure-functions-host ScriptHost.ValidateHttpFunction, WebScriptHostHttpRoutesManager), so the
    /// route is an optional parameter that only the empty path fits (Azure/Azure-Functions#2473).
    /// </summary>
    public const string Root = "{ignored:maxlength(0)?}";

    [Function("FormStart")]
    public static IResult Start([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Root)] HttpRequest request) =>
        HttpFunction.Run(RespondentPages.Start, RespondentLimits.Filter, Guard.Page);

    [Function("FormEnterToken")]
    public static IResult EnterToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Root)] HttpRequest request) =>
        HttpFunction.Run(RespondentPages.EnterTokenAsync, RespondentLimits.Filter, Guard.Page);

    [Function("FormShow")]
    public static IResult Show([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "form")] HttpRequest request) =>
        HttpFunction.Run(RespondentPages.ShowAsync, RespondentLimits.Filter, Guard.Page);

    [Function("FormPost")]
    public static IResult Post([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "form")] HttpRequest request) =>
        HttpFunction.Run(RespondentPages.PostAsync, RespondentLimits.Filter, Guard.Page);

    [Function("FormThanks")]
    public static IResult Thanks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "thanks")] HttpRequest request) =>
        HttpFunction.Run(RespondentPages.Thanks, RespondentLimits.Filter, Guard.Page);

    [Function("SubmitResponse")]
    public static IResult Submit([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/responses")] HttpRequest request) =>
        HttpFunction.Run(ResponsesApi.SubmitAsync, RespondentLimits.Filter);

    [Function("OptOut")]
    public static IResult OptOut([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/optout")] HttpRequest request) =>
        HttpFunction.Run(OptOutApi.OptOutAsync, RespondentLimits.Filter);

    /// <summary>Releases the stored submissions into the response store (<see cref="ResponseOptions.ReleaseSchedule"/>).</summary>
    [Function("ReleaseResponses")]
    public Task Release([TimerTrigger("%Responses:ReleaseSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        _release.ReleaseAsync(cancellationToken);

    [Function("ImportPaperResponses")]
    public static IResult ImportPaper([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/paper-responses")] HttpRequest request) =>
        HttpFunction.Run(PaperApi.ImportPaperAsync, Guard.Audited("paper imported"), Guard.Operator);

    [Function("GetPaperQuestionnaire")]
    public static IResult PaperQuestionnaire([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/waves/{id}/paper-questionnaire/{language}")] HttpRequest request) =>
        HttpFunction.Run(PaperApi.BlankQuestionnaireAsync, Guard.Operator);
}
