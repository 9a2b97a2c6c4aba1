using LastCall.Data;
using Npgsql;

namespace LastCall.Tests.Data;

/// <summary>The PostgreSQL connection defaults for the write path apply only where the operator's connection string is silent.</summary>
public sealed class PoolDefaultsTests
{
    [Fact]
    public void AnUnsetConnectionString_GetsAutoPrepareAndNoReset()
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseProviderSetup.WithPoolDefaults("Host=db;Database=lastcall;Username=app"));
        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal("db", tuned.Host);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;NoResetOnClose=false")]
    public void WhatTheOperatorSet_IsKept(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseProviderSetup.WithPoolDefaults(connectionString));
        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.False(tuned.NoResetOnClose);
    }
}
