using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
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
                type: "numeric(18,2)",
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
