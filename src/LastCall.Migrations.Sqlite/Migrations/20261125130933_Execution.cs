using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Execution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Category",
                table: "pool_numbers",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "standard");

            migrationBuilder.AddColumn<string>(
                name: "CertificateNumber",
                table: "cancellation_requests",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CompletedAt",
                table: "cancellation_requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeaseExpiresAt",
                table: "cancellation_requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "cancellation_requests",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "cancellation_requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "certificates",
                columns: table => new
                {
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CanonicalData = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_certificates", x => x.Number);
                    table.ForeignKey(
                        name: "FK_certificates_cancellation_requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "cancellation_requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "execution_steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_execution_steps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_execution_steps_cancellation_requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "cancellation_requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "outbox_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    DeduplicationKey = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cancellation_requests_Status_EffectiveOn_NextAttemptAt",
                table: "cancellation_requests",
                columns: new[] { "Status", "EffectiveOn", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_certificates_RequestId",
                table: "certificates",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_execution_steps_RequestId_Name",
                table: "execution_steps",
                columns: new[] { "RequestId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_events_DeduplicationKey",
                table: "outbox_events",
                column: "DeduplicationKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "certificates");

            migrationBuilder.DropTable(
                name: "execution_steps");

            migrationBuilder.DropTable(
                name: "outbox_events");

            migrationBuilder.DropIndex(
                name: "IX_cancellation_requests_Status_EffectiveOn_NextAttemptAt",
                table: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "Category",
                table: "pool_numbers");

            migrationBuilder.DropColumn(
                name: "CertificateNumber",
                table: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "CompletedAt",
                table: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "LeaseExpiresAt",
                table: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "cancellation_requests");
        }
    }
}
