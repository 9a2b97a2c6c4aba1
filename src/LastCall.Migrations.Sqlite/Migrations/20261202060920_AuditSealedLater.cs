using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AuditSealedLater : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Audit events are now written unsealed (Sequence null) and sealed later; rows get their own key.
            // SQLite cannot change a primary key in place: the table is rebuilt, and entries already sealed keep
            // their place (their Id is their Sequence; new Ids follow them).
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_audit_events" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_audit_events" PRIMARY KEY AUTOINCREMENT,
                    "Sequence" INTEGER NULL,
                    "At" INTEGER NOT NULL,
                    "ActorType" TEXT NOT NULL,
                    "ActorId" TEXT NULL,
                    "ActorName" TEXT NULL,
                    "Action" TEXT NOT NULL,
                    "Channel" TEXT NOT NULL,
                    "StoreId" TEXT NULL,
                    "ClientAddress" TEXT NULL,
                    "Subject" TEXT NULL,
                    "Before" TEXT NULL,
                    "After" TEXT NULL,
                    "PreviousHash" TEXT NOT NULL,
                    "Hash" TEXT NOT NULL);
                INSERT INTO "ef_temp_audit_events" ("Id", "Sequence", "At", "ActorType", "ActorId", "ActorName", "Action", "Channel", "StoreId", "ClientAddress", "Subject", "Before", "After", "PreviousHash", "Hash")
                SELECT "Sequence", "Sequence", "At", "ActorType", "ActorId", "ActorName", "Action", "Channel", "StoreId", "ClientAddress", "Subject", "Before", "After", "PreviousHash", "Hash" FROM "audit_events";
                DROP TABLE "audit_events";
                ALTER TABLE "ef_temp_audit_events" RENAME TO "audit_events";
                """);

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_Sequence",
                table: "audit_events",
                column: "Sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_Subject_Id",
                table: "audit_events",
                columns: new[] { "Subject", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_unsealed",
                table: "audit_events",
                column: "Id",
                filter: "\"Sequence\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_audit_events",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_Sequence",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_Subject_Id",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_unsealed",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "audit_events");

            migrationBuilder.AlterColumn<long>(
                name: "Sequence",
                table: "audit_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "PK_audit_events",
                table: "audit_events",
                column: "Sequence");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_Subject_Sequence",
                table: "audit_events",
                columns: new[] { "Subject", "Sequence" });
        }
    }
}
