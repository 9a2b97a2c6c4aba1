using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
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

            migrationBuilder.AlterColumn<string>(
                name: "Status",
                table: "cancellation_transitions",
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(16)",
                oldMaxLength: 16);

            migrationBuilder.AlterColumn<string>(
                name: "Status",
                table: "cancellation_requests",
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(16)",
                oldMaxLength: 16);

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

            migrationBuilder.AlterColumn<string>(
                name: "Status",
                table: "cancellation_transitions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(24)",
                oldMaxLength: 24);

            migrationBuilder.AlterColumn<string>(
                name: "Status",
                table: "cancellation_requests",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(24)",
                oldMaxLength: 24);

            migrationBuilder.CreateIndex(
                name: "ix_cancellation_requests_one_live_per_line",
                table: "cancellation_requests",
                column: "LineId",
                unique: true,
                filter: "\"Status\" IN ('Submitted', 'UnderReview', 'Approved', 'Scheduled', 'Executing', 'Failed')");
        }
    }
}
