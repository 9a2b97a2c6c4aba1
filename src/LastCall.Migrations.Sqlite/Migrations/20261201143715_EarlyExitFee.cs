using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class EarlyExitFee : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "EarlyExitFee",
                table: "cancellation_requests",
                type: "TEXT",
                precision: 18,
                scale: 2,
                nullable: false,
                defaultValue: 0m);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EarlyExitFee",
                table: "cancellation_requests");
        }
    }
}
