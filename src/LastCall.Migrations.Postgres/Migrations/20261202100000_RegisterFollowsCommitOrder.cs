using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Register entries carry the id of the transaction that wrote them, so the register index follows commit order
    /// (below the oldest running transaction) instead of entry ids, and register writers no longer lock the table to
    /// commit in id order. Not part of the EF model: the column default fills it, and only the follower reads it.
    /// Entries already there get 0 (before every horizon).
    /// </summary>
    public partial class RegisterFollowsCommitOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE disconnections ADD COLUMN "WrittenInTransaction" bigint NOT NULL DEFAULT 0;
                ALTER TABLE disconnections ALTER COLUMN "WrittenInTransaction" SET DEFAULT (pg_current_xact_id()::text::bigint);
                CREATE INDEX "IX_disconnections_WrittenInTransaction_Id" ON disconnections ("WrittenInTransaction", "Id");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX "IX_disconnections_WrittenInTransaction_Id";
                ALTER TABLE disconnections DROP COLUMN "WrittenInTransaction";
                """);
        }
    }
}
