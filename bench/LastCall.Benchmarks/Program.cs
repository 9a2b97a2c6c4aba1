using LastCall.Benchmarks;

return args switch
{
    ["generate-subscribers", var rows, var file] => SubscriberFileGenerator.Write(int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), file),
    ["simulators", var connection, var smdpPort, var backendsPort, var readyFile] =>
        await CancellationThroughput.StartSimulatorsAsync(connection, int.Parse(smdpPort, System.Globalization.CultureInfo.InvariantCulture), int.Parse(backendsPort, System.Globalization.CultureInfo.InvariantCulture), readyFile),
    ["generate-disconnections", var rows, var file] => DisconnectionFileGenerator.Write(long.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), file),
    ["cancellations", var connection, var hostUrl, var count] => await CancellationThroughput.RunAsync(connection, hostUrl, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LastCall.Benchmarks generate-subscribers ROWS FILE.csv | generate-disconnections ROWS FILE.csv | simulators CONN SMDP_PORT BACKENDS_PORT READY_FILE | cancellations CONN HOST_URL COUNT");
    return 2;
}
