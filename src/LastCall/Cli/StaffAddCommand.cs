using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Admin;
using LastCall.Hosting;

namespace LastCall.Cli;

/// <summary>
/// <c>lastcall staff add --username NAME --roles admin,reviewer [--store STORE]</c>: creates a staff
/// account (the first admin of a new installation comes from here). The password is read from standard
/// input, never from the command line, so it stays out of shell history and process lists.
/// </summary>
public static class StaffAddCommand
{
    public static async Task<int> RunAsync(WebApplication host, IReadOnlyDictionary<string, string> options)
    {
        await using (host)
        {
            var console = host.Services.GetRequiredService<CommandConsole>();
            if (!options.TryGetValue("username", out var username) || !options.TryGetValue("roles", out var roles))
            {
                await console.Error.WriteLineAsync("lastcall: staff add needs --username NAME and --roles ROLE[,ROLE…]");
                return CommandLine.Usage;
            }
            options.TryGetValue("store", out var store);
            if (!console.InputRedirected)
                await console.Error.WriteAsync("Password (12+ characters): ");
            var password = await console.In.ReadLineAsync();

            await host.Services.GetRequiredService<DatabaseInitializer>().PrepareAsync(CancellationToken.None);
            await using var scope = host.Services.CreateAsyncScope();
            var request = new CreateStaff.Request(username, password, roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), store);
            var result = await scope.ServiceProvider.GetRequiredService<CreateStaff>().CreateAsync(request, CancellationToken.None);
            if (!result.IsSuccess)
            {
                await console.Error.WriteLineAsync($"lastcall: {result.Error!.Code}: {result.Error.Message}");
                return CommandLine.Failure;
            }
            var staff = result.Value;
            console.Out.WriteLine($"created staff account {staff.Username} ({string.Join(",", staff.Roles)}{(staff.StoreId is null ? "" : ", store " + staff.StoreId)})");
            return CommandLine.Ok;
        }
    }
}
