using Pipeline.Benchmarks;

return await BenchmarkCli.RunAsync(args);
