using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReportClaimsAreRanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ClaimedUpToId",
                table: "disconnection_reports",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClaimedUpToId",
                table: "disconnection_reports");
        }
    }
}
