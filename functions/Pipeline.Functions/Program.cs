using Microsoft.Azure.Functions.Worker.Builder;
using Pipeline.Functions.Platform;

// An isolated worker, started by a Functions host: Azure's, or the local one (functions/Pipeline.LocalHost).
var worker = FunctionsApplication.CreateBuilder(args);
worker.ConfigureFunctionsWebApplication();
worker.AddPipeline();
worker.AddFunctionsTelemetry();
worker.Build().Run();
