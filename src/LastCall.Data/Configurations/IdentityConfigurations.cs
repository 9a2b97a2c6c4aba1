using LastCall.Domain.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LastCall.Data.Configurations;

internal sealed class OtpChallengeConfiguration : IEntityTypeConfiguration<OtpChallenge>
{
    public void Configure(EntityTypeBuilder<OtpChallenge> b)
    {
        b.ToTable("otp_challenges");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Purpose).HasConversion<string>().HasMaxLength(24);
        b.Property(o => o.CodeHash).HasMaxLength(64);
        // Sign-in and the send throttle look up the newest challenges of a number.
        b.HasIndex(o => new { o.Msisdn, o.Purpose, o.CreatedAt });
    }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> b)
    {
        b.ToTable("sign_in_throttles");
        b.HasKey(t => t.Key);
        b.Property(t => t.Key).HasMaxLength(128);
        b.Property(t => t.Version).IsConcurrencyToken();
    }
}

internal sealed class StaffMemberConfiguration : IEntityTypeConfiguration<StaffMember>
{
    public void Configure(EntityTypeBuilder<StaffMember> b)
    {
        b.ToTable("staff_members");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Version).IsConcurrencyToken();
        b.Property(s => s.Username).HasMaxLength(40);
        b.Property(s => s.PasswordHash).HasMaxLength(200);
        b.Property(s => s.Roles).HasConversion(new CommaSeparatedCodesConverter(), new ListComparer<string>()).HasMaxLength(100);
        b.Property(s => s.StoreId).HasMaxLength(32);
        b.Property(s => s.SecurityStamp).HasMaxLength(32);
        b.HasIndex(s => s.Username).IsUnique();
    }
}

internal sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public void Configure(EntityTypeBuilder<Partner> b)
    {
        b.ToTable("partners");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Version).IsConcurrencyToken();
        b.Property(p => p.Name).HasMaxLength(Partner.MaxNameLength);
        b.Property(p => p.Scopes).HasConversion(new CommaSeparatedCodesConverter(), new ListComparer<string>()).HasMaxLength(100);
        b.HasMany(p => p.Keys).WithOne().HasForeignKey(k => k.PartnerId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(p => p.Keys).HasField("_keys").UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
    }
}

internal sealed class PartnerApiKeyConfiguration : IEntityTypeConfiguration<PartnerApiKey>
{
    public void Configure(EntityTypeBuilder<PartnerApiKey> b)
    {
        b.ToTable("partner_api_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.Ignore(k => k.IsActive);
        b.HasIndex(k => k.Hash).IsUnique();
    }
}

internal sealed class CallVerificationConfiguration : IEntityTypeConfiguration<CallVerification>
{
    public void Configure(EntityTypeBuilder<CallVerification> b)
    {
        b.ToTable("call_verifications");
        b.HasKey(v => v.Id);
        b.Property(v => v.Id).ValueGeneratedNever();
        b.HasIndex(v => new { v.AgentId, v.Msisdn, v.VerifiedUntil });
    }
}
