using LastCall.Benchmarks;

return args switch
{
    ["generate-subscribers", var rows, var file] => SubscriberFileGenerator.Write(int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), file),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LastCall.Benchmarks generate-subscribers ROWS FILE.csv");
    return 2;
}
