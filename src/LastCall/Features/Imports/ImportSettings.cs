using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Imports;

/// <summary>How the command-line imports run (section <c>Import</c>; the property names are the keys).</summary>
public sealed class ImportSettings
{
    /// <summary>
    /// The managed heap's ceiling, in megabytes, while <c>lastcall import subscribers</c> runs on PostgreSQL (0: none). The import keeps
    /// a bounded pipeline in memory (a batch read ahead, two being written), but the server GC, sized for the web host's
    /// throughput, lets the heap grow well past that before it collects. A ceiling makes it collect sooner; it only ever
    /// lowers what the machine or container already allows, and applies to that command's process alone. 96 MB is about
    /// 1.5 times what a million-row re-import of one-profile lines keeps alive (at 64 MB the collector already works
    /// harder); files with much wider rows may need more (docs/operations.md).
    /// </summary>
    [Range(0, 1_048_576)]
    public int HeapLimitMegabytes { get; set; } = 96;
}
