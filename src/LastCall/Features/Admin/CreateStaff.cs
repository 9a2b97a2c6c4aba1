using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Admin;

/// <summary>
/// POST /api/v1/admin/staff (admin) and <c>lastcall staff add</c>: a staff account with roles and, for
/// clerks, a store. The password is hashed like service passwords and never stored or logged.
/// </summary>
public static class CreateStaff
{
    public sealed record Request(string? Username, string? Password, IReadOnlyList<string>? Roles, string? StoreId);

    public sealed record Response(Guid Id, string Username, IReadOnlyList<string> Roles, string? StoreId);

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/staff", HandleAsync).WithSummary("Create a staff account.");
        admin.MapGet("/staff", ListAsync).WithSummary("Staff accounts.");
    }

    /// <summary>The one place staff accounts are made; the API and the command line both call it.</summary>
    public static async Task<Result<StaffMember>> CreateAsync(AuditTrail audit, AppDbContext db, TimeProvider clock, Request request, CancellationToken ct)
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
        audit.Record("staff.created", staff.Username, after: new { staff.Username, roles = staff.RoleList, staff.StoreId });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Fail.Conflict("username_taken", "That username is taken.");
        }
        return staff;
    }

    internal static async Task<Outcome<Created<Response>>> HandleAsync(Request request, AuditTrail audit, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var result = await CreateAsync(audit, db, clock, request, ct);
        if (!result.IsSuccess)
            return result.Error!.Kind == ErrorKind.Validation ? result.Error.For(Field(result.Error.Code)) : result.Error;
        var staff = result.Value;
        return TypedResults.Created($"/api/v1/admin/staff/{staff.Id}", new Response(staff.Id, staff.Username, staff.RoleList, staff.StoreId));
    }

    internal static async Task<Ok<List<Response>>> ListAsync(AppDbContext db, CancellationToken ct)
    {
        var staff = await db.StaffMembers.AsNoTracking().OrderBy(s => s.Username).ToListAsync(ct);
        return TypedResults.Ok(staff.Select(s => new Response(s.Id, s.Username, s.RoleList, s.StoreId)).ToList());
    }

    private static string Field(string code) => code switch
    {
        "weak_password" => "password",
        "invalid_roles" => "roles",
        "store_required" or "invalid_store" => "storeId",
        _ => "username",
    };
}
