using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    IdType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    IdNumberCiphertext = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    IdNumberBlindIndex = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IdNumberMasked = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PreferredLanguage = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    AccountLocked = table.Column<bool>(type: "INTEGER", nullable: false),
                    AccountLockedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "disconnections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Msisdn = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DisconnectedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_disconnections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "pool_numbers",
                columns: table => new
                {
                    Msisdn = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    QuarantinedUntil = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    StateChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_numbers", x => x.Msisdn);
                });

            migrationBuilder.CreateTable(
                name: "lines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Msisdn = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Plan = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    ActivatedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ContractEndsOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    BundleRole = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    BundlePrimary = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    PortState = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FraudHold = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    StatusBeforeCancellation = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true),
                    StatusChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ServicePasswordHash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ServicePasswordChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportRunId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    Balance = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Arrears = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    UnbilledUsage = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Deposit = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Iccid = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Eid = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DeviceLabel = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
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
