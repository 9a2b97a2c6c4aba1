using LastCall.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LastCall.Migrations.Postgres;

/// <summary>Lets dotnet-ef build the model for PostgreSQL without a server (adding a migration never connects).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseLastCallDatabase(DatabaseProvider.Postgres, "Host=localhost;Database=lastcall_design");
        return new AppDbContext(options.Options);
    }
}
