using System.Globalization;
using LastCall.Benchmarks;

return args switch
{
    ["generate-subscribers", var rows, var file] => SubscriberFileGenerator.Write(int.Parse(rows, CultureInfo.InvariantCulture), file),
    ["generate-subscribers", var rows, var file, var first] => SubscriberFileGenerator.Write(int.Parse(rows, CultureInfo.InvariantCulture), file, int.Parse(first, CultureInfo.InvariantCulture)),
    ["generate-subscribers", var rows, var file, var first, "clear"] => SubscriberFileGenerator.Write(int.Parse(rows, CultureInfo.InvariantCulture), file, int.Parse(first, CultureInfo.InvariantCulture), clearPasswords: true),
    ["generate-disconnections", var rows, var file] => DisconnectionFileGenerator.Write(long.Parse(rows, CultureInfo.InvariantCulture), file),
    ["simulators", var connection, var smdpPort, var backendsPort, var readyFile] =>
        await CancellationThroughput.StartSimulatorsAsync(connection, int.Parse(smdpPort, CultureInfo.InvariantCulture), int.Parse(backendsPort, CultureInfo.InvariantCulture), readyFile),
    ["cancellations", var connection, var hostUrls, var count, var submitters] =>
        await CancellationThroughput.RunAsync(connection, hostUrls.Split(','), int.Parse(count, CultureInfo.InvariantCulture), int.Parse(submitters, CultureInfo.InvariantCulture)),
    ["freshness", var connection, var hostUrls, var apiKey, var count] =>
        await RegisterFreshness.RunAsync(connection, hostUrls.Split(','), apiKey, int.Parse(count, CultureInfo.InvariantCulture)),
    ["register-index", .. var options] => RegisterIndexBenchmark.Run(options),
    ["register-snapshot", var records, var file] => RegisterSnapshotBenchmark.Run(long.Parse(records, CultureInfo.InvariantCulture), file),
    ["bare-lookup", var port, var file] => await BareLookup.RunAsync(int.Parse(port, CultureInfo.InvariantCulture), file),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LastCall.Benchmarks generate-subscribers ROWS FILE.csv [FIRST_ROW [clear]]");
    Console.Error.WriteLine("       LastCall.Benchmarks generate-disconnections ROWS FILE.csv");
    Console.Error.WriteLine("       LastCall.Benchmarks simulators CONN SMDP_PORT BACKENDS_PORT READY_FILE   (0: any free port; READY_FILE gets the bound addresses)");
    Console.Error.WriteLine("       LastCall.Benchmarks cancellations CONN HOST_URL[,HOST_URL…] COUNT SUBMITTERS");
    Console.Error.WriteLine("       LastCall.Benchmarks freshness CONN HOST_URL[,HOST_URL…] API_KEY COUNT");
    Console.Error.WriteLine("       LastCall.Benchmarks register-index [--records N] [--seconds S]");
    Console.Error.WriteLine("       LastCall.Benchmarks register-snapshot RECORDS FILE   (writes the index's snapshot file and reads it back)");
    Console.Error.WriteLine("       LastCall.Benchmarks bare-lookup PORT REGISTER.csv   (PORT 0: a free port, logged as 'Now listening on: URL')");
    return 2;
}
