using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Admin;

/// <summary>
/// POST /api/v1/admin/staff (admin) and <c>lastcall staff add</c>: a staff account with roles and, for
/// clerks, a store. The password is hashed like service passwords and never stored or logged.
/// </summary>
public sealed class CreateStaff(AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public sealed record Request(string? Username, string? Password, IReadOnlyList<string>? Roles, string? StoreId);

    public sealed record Response(Guid Id, string Username, IReadOnlyList<string> Roles, string? StoreId);

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/staff", async (Request request, CreateStaff create, CancellationToken ct) =>
                (await create.HandleAsync(request, ct)).ToCreated(created => $"/api/v1/admin/staff/{created.Id}"))
            .WithSummary("Create a staff account.");
        admin.MapGet("/staff", async (CreateStaff staff, CancellationToken ct) => TypedResults.Ok(await staff.ListAsync(ct)))
            .WithSummary("Staff accounts.");
    }

    /// <summary>
    /// The one place staff accounts are made; the API, the console, the command line and the demo data all call it.
    /// A refusal leaves nothing pending in the context.
    /// </summary>
    public async Task<Result<StaffMember>> CreateAsync(Request request, CancellationToken ct)
    {
        if (StaffMember.ValidatePassword(request.Password) is { } weak)
            return weak;
        var created = StaffMember.Create(request.Username, request.Roles ?? [], request.StoreId, "", clock.GetUtcNow());
        if (!created.IsSuccess)
            return created;
        var staff = created.Value;
        if (await db.StaffMembers.AnyAsync(s => s.Username == staff.Username, ct))
            return Fail.Conflict("username_taken", "That username is taken.");
        // Hashing costs ~0.1 s, so it comes after the cheap checks.
        staff.ChangePassword(SecretHasher.Hash(request.Password!));
        db.StaffMembers.Add(staff);
        audit.Record("staff.created", staff.Username, after: new { staff.Username, roles = staff.Roles, staff.StoreId });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Fail.Conflict("username_taken", "That username is taken.");
        }
        return staff;
    }

    /// <summary>The account as the API and the console show it; a refusal names the field it is about.</summary>
    public async Task<Result<Response>> HandleAsync(Request request, CancellationToken ct)
    {
        var result = await CreateAsync(request, ct);
        if (!result.IsSuccess)
            return result.Error!.Kind == ErrorKind.Validation ? result.Error.For(Field(result.Error.Code)) : result.Error;
        var staff = result.Value;
        return new Response(staff.Id, staff.Username, staff.Roles, staff.StoreId);
    }

    public async Task<List<Response>> ListAsync(CancellationToken ct)
    {
        var staff = await db.StaffMembers.AsNoTracking().OrderBy(s => s.Username).ToListAsync(ct);
        return [.. staff.Select(s => new Response(s.Id, s.Username, s.Roles, s.StoreId))];
    }

    private static string Field(string code) => code switch
    {
        "weak_password" => "password",
        "invalid_roles" => "roles",
        "store_required" or "invalid_store" => "storeId",
        _ => "username",
    };
}
