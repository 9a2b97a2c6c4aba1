using LastCall.Benchmarks;

return args switch
{
    ["generate-subscribers", var rows, var file] => SubscriberFileGenerator.Write(int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), file),
    ["register-index", .. var options] => RegisterIndexBenchmark.Run(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LastCall.Benchmarks generate-subscribers ROWS FILE.csv");
    Console.Error.WriteLine("       LastCall.Benchmarks register-index [--records N] [--seconds S]");
    return 2;
}
