using Grpc.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Pipeline.LocalHost.Rpc;

/// <summary>The gRPC service the worker calls back (<c>--functions-uri</c>): its one bidirectional stream is the worker's channel.</summary>
internal sealed class FunctionRpcService(WorkerHost host) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        host.Channel.RunAsync(requestStream, responseStream, context.CancellationToken);
}
