using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PortOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every request before port-outs existed is a cancellation.
            migrationBuilder.DropIndex(
                name: "IX_lines_Msisdn",
                table: "lines");

            migrationBuilder.AddColumn<long>(
                name: "PortAuthorizationExpiresAt",
                table: "lines",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PortAuthorizationFailures",
                table: "lines",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "PortAuthorizationHash",
                table: "lines",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "cancellation_requests",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Cancellation");

            migrationBuilder.AddColumn<long>(
                name: "PortAt",
                table: "cancellation_requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecipientOperator",
                table: "cancellation_requests",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_pool_numbers_PortedOut",
                table: "pool_numbers",
                column: "StateChangedAt",
                filter: "\"State\" = 'PortedOut'");

            migrationBuilder.CreateIndex(
                name: "IX_lines_Msisdn",
                table: "lines",
                column: "Msisdn",
                unique: true,
                filter: "\"Status\" NOT IN ('Cancelled', 'PortedOut')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_pool_numbers_PortedOut",
                table: "pool_numbers");

            migrationBuilder.DropIndex(
                name: "IX_lines_Msisdn",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "PortAuthorizationExpiresAt",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "PortAuthorizationFailures",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "PortAuthorizationHash",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "PortAt",
                table: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "RecipientOperator",
                table: "cancellation_requests");

            migrationBuilder.CreateIndex(
                name: "IX_lines_Msisdn",
                table: "lines",
                column: "Msisdn",
                unique: true,
                filter: "\"Status\" <> 'Cancelled'");
        }
    }
}
