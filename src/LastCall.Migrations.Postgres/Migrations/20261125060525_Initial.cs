using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IdType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IdNumberCiphertext = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IdNumberBlindIndex = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IdNumberMasked = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    PreferredLanguage = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    AccountLocked = table.Column<bool>(type: "boolean", nullable: false),
                    AccountLockedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "disconnections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Msisdn = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DisconnectedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_disconnections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "pool_numbers",
                columns: table => new
                {
                    Msisdn = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    QuarantinedUntil = table.Column<DateOnly>(type: "date", nullable: true),
                    StateChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_numbers", x => x.Msisdn);
                });

            migrationBuilder.CreateTable(
                name: "lines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Msisdn = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Plan = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ActivatedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    ContractEndsOn = table.Column<DateOnly>(type: "date", nullable: true),
                    BundleRole = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BundlePrimary = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    PortState = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FraudHold = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    StatusBeforeCancellation = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    StatusChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ServicePasswordHash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ServicePasswordChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ImportRunId = table.Column<Guid>(type: "uuid", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_lines_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "billing_accounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LineId = table.Column<Guid>(type: "uuid", nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Balance = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Arrears = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    UnbilledUsage = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Deposit = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_accounts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_billing_accounts_lines_LineId",
                        column: x => x.LineId,
                        principalTable: "lines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "esim_profiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LineId = table.Column<Guid>(type: "uuid", nullable: false),
                    Iccid = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Eid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DeviceLabel = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_esim_profiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_esim_profiles_lines_LineId",
                        column: x => x.LineId,
                        principalTable: "lines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_billing_accounts_LineId",
                table: "billing_accounts",
                column: "LineId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_customers_IdNumberBlindIndex",
                table: "customers",
                column: "IdNumberBlindIndex",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_disconnections_Msisdn_DisconnectedOn",
                table: "disconnections",
                columns: new[] { "Msisdn", "DisconnectedOn" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_esim_profiles_Iccid",
                table: "esim_profiles",
                column: "Iccid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_esim_profiles_LineId",
                table: "esim_profiles",
                column: "LineId");

            migrationBuilder.CreateIndex(
                name: "IX_lines_BundlePrimary",
                table: "lines",
                column: "BundlePrimary");

            migrationBuilder.CreateIndex(
                name: "IX_lines_CustomerId",
                table: "lines",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_lines_Msisdn",
                table: "lines",
                column: "Msisdn",
                unique: true,
                filter: "\"Status\" <> 'Cancelled'");

            migrationBuilder.CreateIndex(
                name: "IX_pool_numbers_State_QuarantinedUntil",
                table: "pool_numbers",
                columns: new[] { "State", "QuarantinedUntil" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "billing_accounts");

            migrationBuilder.DropTable(
                name: "disconnections");

            migrationBuilder.DropTable(
                name: "esim_profiles");

            migrationBuilder.DropTable(
                name: "pool_numbers");

            migrationBuilder.DropTable(
                name: "lines");

            migrationBuilder.DropTable(
                name: "customers");
        }
    }
}
