using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Cancellations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FraudHoldReleasedAt",
                table: "lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OwnerSince",
                table: "lines",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ServicePasswordResetAt",
                table: "lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SimChangedAt",
                table: "lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "TransferConsentExpiresAt",
                table: "lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TransferConsentHash",
                table: "lines",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "cancellation_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LineId = table.Column<Guid>(type: "uuid", nullable: false),
                    Msisdn = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Effective = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    StoreId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    IdentityMethod = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    VerifiedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    VerifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DocumentIds = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ReviewReasons = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReviewDueBy = table.Column<DateOnly>(type: "date", nullable: true),
                    EffectiveOn = table.Column<DateOnly>(type: "date", nullable: false),
                    RejectionReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    NoticeSentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    Scope = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Completed = table.Column<bool>(type: "boolean", nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Location = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Body = table.Column<byte[]>(type: "bytea", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_records", x => new { x.Scope, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "identity_documents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    UploadedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Kind = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StorageName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_documents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "suspensions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LineId = table.Column<Guid>(type: "uuid", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    LatestEndOn = table.Column<DateOnly>(type: "date", nullable: false),
                    MonthlyFee = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    ExpiredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false)
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
