using LastCall.Domain.Lines;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class ImportRunLineConfiguration : IEntityTypeConfiguration<ImportRunLine>
{
    public void Configure(EntityTypeBuilder<ImportRunLine> b)
    {
        // Bookkeeping of one import run, deleted at its end: no foreign key to the lines (a check per row for nothing),
        // and on PostgreSQL an unlogged table (the migration): a run stops when its server goes away (SubscriberImporter.IsRefusal),
        // so no run goes on after a crash has emptied it.
        b.ToTable("import_run_lines");
        b.HasKey(m => new { m.RunId, m.LineId });
    }
}
