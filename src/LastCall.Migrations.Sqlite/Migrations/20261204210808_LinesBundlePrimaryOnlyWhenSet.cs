using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LastCall.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LinesBundlePrimaryOnlyWhenSet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_lines_BundlePrimary",
                table: "lines");

            migrationBuilder.CreateIndex(
                name: "IX_lines_BundlePrimary",
                table: "lines",
                column: "BundlePrimary",
                filter: "\"BundlePrimary\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_lines_BundlePrimary",
                table: "lines");

            migrationBuilder.CreateIndex(
                name: "IX_lines_BundlePrimary",
                table: "lines",
                column: "BundlePrimary");
        }
    }
}
