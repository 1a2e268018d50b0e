using System.Net;
using System.Net.Http.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Responses;
using Pipeline.Functions.WaveRun;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The activity functions Durable Functions calls on Azure, called as it would (the input, a FunctionContext with the
/// invocation's services and the instance id): each builds its activity class from the services and gives what the
/// class gives when the local task hub runs it.
/// </summary>
public sealed class WaveRunFunctionsTests
{
    [Fact]
    public async Task ActivityFunctions_OnAWaveInFieldwork_AnswerAsTheirClasses()
    {
        await using var app = new PipelineApplication { Settings = { ["Responses:ClientPermitsPerMinute"] = "100000" } };
        var wave = await FieldworkWave.StartAsync(app, people: 40);
        var id = wave.Definition.Id;
        var http = app.CreateClient();
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/responses", new { token = wave.Tokens[i], answers = wave.Answers(i) })).StatusCode);
        }

        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        using var scope = app.Services.CreateScope();
        var functions = new WaveRunFunctions();
        var counted = await functions.CountResponses(id, new InvocationContext(nameof(CountResponsesActivity), id, scope.ServiceProvider));
        var direct = await ActivatorUtilities.CreateInstance<CountResponsesActivity>(scope.ServiceProvider).RunAsync(new ActivityCall(nameof(CountResponsesActivity), id), id);
        Assert.Equal(7, counted);
        Assert.Equal(direct, counted);

        var plan = await functions.PlanInvitations(id, new InvocationContext(nameof(PlanInvitationsActivity), id, scope.ServiceProvider));
        Assert.NotEmpty(plan);
        Assert.All(plan, job => Assert.Equal(id, job.WaveId));
        var planned = await ActivatorUtilities.CreateInstance<PlanInvitationsActivity>(scope.ServiceProvider).RunAsync(new ActivityCall(nameof(PlanInvitationsActivity), id), id);
        Assert.Equal(planned, plan);
    }

    /// <summary>A FunctionContext as the worker gives an activity trigger: the function's name, the instance id, the services.</summary>
    private sealed class InvocationContext(string function, string instanceId, IServiceProvider services) : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString();

        public override string FunctionId => function;

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext { get; } = new Binding(instanceId);

        public override RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = services;

        public override FunctionDefinition FunctionDefinition { get; } = new Definition(function);

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => throw new NotSupportedException();

        private sealed class Binding(string instanceId) : BindingContext
        {
            public override IReadOnlyDictionary<string, object?> BindingData { get; } = new Dictionary<string, object?> { ["instanceId"] = instanceId };
        }

        private sealed class Definition(string name) : FunctionDefinition
        {
            public override System.Collections.Immutable.ImmutableArray<FunctionParameter> Parameters => [];

            public override string PathToAssembly => typeof(WaveRunFunctions).Assembly.Location;

            public override string EntryPoint => typeof(WaveRunFunctions).FullName + "." + name;

            public override string Id => name;

            public override string Name => name;

            public override System.Collections.Immutable.IImmutableDictionary<string, BindingMetadata> InputBindings => System.Collections.Immutable.ImmutableDictionary<string, BindingMetadata>.Empty;

            public override System.Collections.Immutable.IImmutableDictionary<string, BindingMetadata> OutputBindings => System.Collections.Immutable.ImmutableDictionary<string, BindingMetadata>.Empty;
        }
    }
}
