using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Cancellations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FraudHoldReleasedAt",
                table: "lines",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OwnerSince",
                table: "lines",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "ServicePasswordResetAt",
                table: "lines",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SimChangedAt",
                table: "lines",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TransferConsentExpiresAt",
                table: "lines",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TransferConsentHash",
                table: "lines",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "cancellation_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Msisdn = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Effective = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    StoreId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    IdentityMethod = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    VerifiedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    VerifiedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DocumentIds = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ReviewReasons = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReviewDueBy = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    EffectiveOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RejectionReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    NoticeSentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cancellation_requests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_cancellation_requests_lines_LineId",
                        column: x => x.LineId,
                        principalTable: "lines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_records",
                columns: table => new
                {
                    Scope = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Completed = table.Column<bool>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Location = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_records", x => new { x.Scope, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "identity_documents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UploadedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StorageName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_documents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "suspensions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LatestEndOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    MonthlyFee = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    ExpiredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_suspensions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_suspensions_lines_LineId",
                        column: x => x.LineId,
                        principalTable: "lines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "cancellation_transitions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cancellation_transitions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_cancellation_transitions_cancellation_requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "cancellation_requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cancellation_requests_CustomerId",
                table: "cancellation_requests",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_cancellation_requests_Msisdn",
                table: "cancellation_requests",
                column: "Msisdn");

            migrationBuilder.CreateIndex(
                name: "ix_cancellation_requests_one_live_per_line",
                table: "cancellation_requests",
                column: "LineId",
                unique: true,
                filter: "\"Status\" IN ('Submitted', 'UnderReview', 'Approved', 'Scheduled', 'Executing', 'Failed')");

            migrationBuilder.CreateIndex(
                name: "IX_cancellation_requests_Status_SubmittedAt",
                table: "cancellation_requests",
                columns: new[] { "Status", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_cancellation_transitions_RequestId",
                table: "cancellation_transitions",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_records_ExpiresAt",
                table: "idempotency_records",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_identity_documents_CustomerId",
                table: "identity_documents",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_suspensions_LatestEndOn",
                table: "suspensions",
                column: "LatestEndOn");

            migrationBuilder.CreateIndex(
                name: "ix_suspensions_one_running_per_line",
                table: "suspensions",
                column: "LineId",
                unique: true,
                filter: "\"EndedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cancellation_transitions");

            migrationBuilder.DropTable(
                name: "idempotency_records");

            migrationBuilder.DropTable(
                name: "identity_documents");

            migrationBuilder.DropTable(
                name: "suspensions");

            migrationBuilder.DropTable(
                name: "cancellation_requests");

            migrationBuilder.DropColumn(
                name: "FraudHoldReleasedAt",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "OwnerSince",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "ServicePasswordResetAt",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "SimChangedAt",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "TransferConsentExpiresAt",
                table: "lines");

            migrationBuilder.DropColumn(
                name: "TransferConsentHash",
                table: "lines");
        }
    }
}
