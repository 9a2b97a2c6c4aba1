using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PreviousHolderUnbinding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "CancellationId",
                table: "unbinding_requests",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<DateOnly>(
                name: "BoundBefore",
                table: "unbinding_requests",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PreviousHolderUnbindingId",
                table: "unbinding_requests",
                type: "uuid",
                nullable: true);

            // Every request before this migration came from a cancellation.
            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "unbinding_requests",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Cancellation");

            migrationBuilder.CreateTable(
                name: "previous_holder_unbindings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LineId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Msisdn = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BoundBefore = table.Column<DateOnly>(type: "date", nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_previous_holder_unbindings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_previous_holder_unbindings_lines_LineId",
                        column: x => x.LineId,
                        principalTable: "lines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_unbinding_requests_PreviousHolderUnbindingId_PartnerId",
                table: "unbinding_requests",
                columns: new[] { "PreviousHolderUnbindingId", "PartnerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_previous_holder_unbindings_LineId",
                table: "previous_holder_unbindings",
                column: "LineId",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_unbinding_requests_previous_holder_unbindings_PreviousHolde~",
                table: "unbinding_requests",
                column: "PreviousHolderUnbindingId",
                principalTable: "previous_holder_unbindings",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_unbinding_requests_previous_holder_unbindings_PreviousHolde~",
                table: "unbinding_requests");

            migrationBuilder.DropTable(
                name: "previous_holder_unbindings");

            migrationBuilder.DropIndex(
                name: "IX_unbinding_requests_PreviousHolderUnbindingId_PartnerId",
                table: "unbinding_requests");

            migrationBuilder.DropColumn(
                name: "BoundBefore",
                table: "unbinding_requests");

            migrationBuilder.DropColumn(
                name: "PreviousHolderUnbindingId",
                table: "unbinding_requests");

            migrationBuilder.DropColumn(
                name: "Reason",
                table: "unbinding_requests");

            migrationBuilder.AlterColumn<Guid>(
                name: "CancellationId",
                table: "unbinding_requests",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
