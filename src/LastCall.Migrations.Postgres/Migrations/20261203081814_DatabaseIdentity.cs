using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
{
    /// <summary>
    /// A table for the database's identity: one row holding a random id, written by the first instance that needs it
    /// (not by this migration, so that databases copied from one migrated template each get their own). A register index
    /// snapshot names it and is used only against the database it was taken from. Outside the EF model: only the register
    /// index reads and writes it (Features/Lookup/RegisterSnapshot.cs).
    /// </summary>
    public partial class DatabaseIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE database_identity (
                    "Id" integer NOT NULL PRIMARY KEY CHECK ("Id" = 1),
                    "DatabaseId" text NOT NULL
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE database_identity;");
        }
    }
}
