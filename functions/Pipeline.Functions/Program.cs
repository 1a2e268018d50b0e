using Pipeline.Functions.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Http;
using Pipeline.Functions.Pages;
using Pipeline.Storage.Emulator;

var builder = WebApplication.CreateBuilder(args);
var root = RepositoryRoot.Find(builder.Environment.ContentRootPath) ?? builder.Environment.ContentRootPath;

builder.AddFunctionsSettings(root);
builder.RefuseSampleSecrets(root);
builder.AddPrivacyLogging();
builder.AddPipelineStorage(root);
builder.AddPipelineDurable();
builder.AddPipelineWaves();
builder.AddPipelineResponses();
builder.AddPipelineHttp();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();

app.MapHealthApi();
app.MapDurableApi();
app.MapWavesApi();
app.MapOptOutApi();
app.MapResponsesApi();
app.MapRespondentPages();
app.MapSignIn();
app.MapDashboard();

app.Run();

/// <summary>The host's entry point, visible to <c>WebApplicationFactory</c>.</summary>
public partial class Program;
