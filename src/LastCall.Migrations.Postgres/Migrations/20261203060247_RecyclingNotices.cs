using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RecyclingNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "RecyclingNoticesFor",
                table: "pool_numbers",
                type: "date",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "recycling_notices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PartnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Msisdn = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DisconnectedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    AvailableFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AcknowledgeBy = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recycling_notices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_recycling_notices_partners_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "partners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_recycling_notices_AcknowledgedAt_AcknowledgeBy",
                table: "recycling_notices",
                columns: new[] { "AcknowledgedAt", "AcknowledgeBy" });

            migrationBuilder.CreateIndex(
                name: "IX_recycling_notices_Msisdn_AvailableFrom_PartnerId",
                table: "recycling_notices",
                columns: new[] { "Msisdn", "AvailableFrom", "PartnerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_recycling_notices_PartnerId_SentAt",
                table: "recycling_notices",
                columns: new[] { "PartnerId", "SentAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "recycling_notices");

            migrationBuilder.DropColumn(
                name: "RecyclingNoticesFor",
                table: "pool_numbers");
        }
    }
}
