using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class WaitingForDependency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cancellation_requests_one_live_per_line",
                table: "cancellation_requests");

            migrationBuilder.CreateIndex(
                name: "ix_cancellation_requests_one_live_per_line",
                table: "cancellation_requests",
                column: "LineId",
                unique: true,
                filter: "\"Status\" IN ('Submitted', 'UnderReview', 'Approved', 'Scheduled', 'Executing', 'WaitingForDependency', 'Failed')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cancellation_requests_one_live_per_line",
                table: "cancellation_requests");

            migrationBuilder.CreateIndex(
                name: "ix_cancellation_requests_one_live_per_line",
                table: "cancellation_requests",
                column: "LineId",
                unique: true,
                filter: "\"Status\" IN ('Submitted', 'UnderReview', 'Approved', 'Scheduled', 'Executing', 'Failed')");
        }
    }
}
