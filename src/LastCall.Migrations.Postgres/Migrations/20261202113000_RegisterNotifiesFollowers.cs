using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Every statement that writes register entries notifies the register followers (channel <c>lastcall_register</c>,
    /// delivered at commit), so each instance's index catches up at once instead of at its next poll.
    /// </summary>
    public partial class RegisterNotifiesFollowers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION lastcall_register_written() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('lastcall_register', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER disconnections_notify_followers AFTER INSERT ON disconnections
                    FOR EACH STATEMENT EXECUTE FUNCTION lastcall_register_written();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER disconnections_notify_followers ON disconnections;
                DROP FUNCTION lastcall_register_written();
                """);
        }
    }
}
