using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DisconnectionReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CancellationId",
                table: "disconnections",
                type: "TEXT",
                nullable: true);

            // Entries written before the column existed: the number's last completed cancellation (a number cancelled
            // twice before this release cites its latest request).
            migrationBuilder.Sql("""
                UPDATE disconnections SET "CancellationId" = (
                    SELECT r."Id" FROM cancellation_requests r
                    WHERE r."Msisdn" = disconnections."Msisdn" AND r."Status" = 'Completed'
                    ORDER BY r."CompletedAt" DESC LIMIT 1)
                WHERE "Source" = 'Cancellation'
                """);

            migrationBuilder.CreateTable(
                name: "disconnection_reports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    Profile = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    RowCount = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Files = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_disconnection_reports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "report_filings",
                columns: table => new
                {
                    Profile = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DisconnectionId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReportId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_filings", x => new { x.Profile, x.DisconnectionId });
                    table.ForeignKey(
                        name: "FK_report_filings_disconnection_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "disconnection_reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_disconnection_reports_CreatedAt",
                table: "disconnection_reports",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_disconnection_reports_Period_Profile",
                table: "disconnection_reports",
                columns: new[] { "Period", "Profile" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_report_filings_ReportId",
                table: "report_filings",
                column: "ReportId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "report_filings");

            migrationBuilder.DropTable(
                name: "disconnection_reports");

            migrationBuilder.DropColumn(
                name: "CancellationId",
                table: "disconnections");
        }
    }
}
