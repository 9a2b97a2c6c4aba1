using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Recycling;

/// <summary>Recycling notices (keys <c>Numbers:RecyclingNoticeDays</c> and <c>Numbers:RecyclingAckWorkingDays</c>, API.md "Recycling notices").</summary>
public sealed class RecyclingSettings
{
    /// <summary>How many days before a number's quarantine ends its partners are told.</summary>
    [Range(1, 365)]
    public int RecyclingNoticeDays { get; set; } = 7;

    /// <summary>How many working days a partner has to acknowledge; the number is held back meanwhile. 0 holds nothing back.</summary>
    [Range(0, 60)]
    public int RecyclingAckWorkingDays { get; set; } = 5;
}
