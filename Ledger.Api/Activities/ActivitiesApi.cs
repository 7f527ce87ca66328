using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.ServiceRecords;
using Ledger.Api.Volunteers;
using Ledger.Core.Rules;
using Ledger.Core.Volunteers;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;

namespace Ledger.Api.Activities;

public static class ActivitiesApi
{
    public static IEndpointRouteBuilder MapActivitiesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("activities", "Activities");

        group.MapPost("/", Create)
            .WithName("CreateActivity")
            .WithRequestExample(now => new
            {
                communityId = 1,
                title = "垃圾分类桶边督导",
                category = "garbage-sorting",
                startsAt = RequestExample.Time(ExampleStart(now)),
                endsAt = RequestExample.Time(ExampleStart(now).AddHours(2)),
                location = "桃浦新村12号楼垃圾箱房",
            })
            .WithSummary("Create an activity (a campaign or an event) that records can point at.")
            .RequireAuthorization(Policies.Staff);
        group.MapGet("/", List)
            .WithName("ListActivities")
            .WithSummary("Activities of a community, newest first.")
            .RequireAuthorization(Policies.Read);
        group.MapPost("/{id:long}/attendance", Attendance)
            .WithName("RecordAttendance")
            .WithRequestExample(now => new
            {
                entries = new object[]
                {
                    new { volunteerId = 1, score = 5 },
                    // Came half an hour late, left a quarter of an hour early. Both ends move with the instant this
                    // example is built, so the entry stays 75 whole minutes inside the activity's example time.
                    new
                    {
                        volunteerId = 2,
                        startedAt = RequestExample.Time(ExampleStart(now).AddMinutes(30)),
                        endedAt = RequestExample.Time(ExampleStart(now).AddHours(2).AddMinutes(-15)),
                        score = 4,
                    },
                },
            })
            .WithSummary("Record and approve a campaign's attendance (up to 1000 entries); a bad entry rejects only itself, with its index and code.")
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    /// <summary>
    /// The example activity began yesterday, three hours before now: over, so its attendance can be recorded, and a
    /// day away from the example service record, so the two never overlap.
    /// </summary>
    private static DateTimeOffset ExampleStart(DateTimeOffset now) => now.AddDays(-1).AddHours(-3).AddSeconds(-41.207);

    public static async Task<Results<Created<ActivityResponse>, ProblemHttpResult>> Create(CreateActivityRequest request, Caller caller, Writer writer)
    {
        if (!caller.CanAccess(request.CommunityId))
            return Problems.From(Failure.Forbidden());
        return await writer.Create<ActivityResponse>(caller, w =>
        {
            if (!CommunityQueries.Exists(w.Connection, request.CommunityId))
                return Failure.Invalid("communityId", "community-not-found", request.CommunityId);
            var row = w.Connection.QuerySingle<ActivityRow>(
                $"""
                INSERT INTO activities (community_id, title, category, starts_at, ends_at, location, created_at)
                VALUES (@CommunityId, @Title, @Category, @StartsAt, @EndsAt, @Location, @At)
                RETURNING {ActivityRow.Columns}
                """,
                new
                {
                    request.CommunityId,
                    Title = request.Title.Trim(),
                    request.Category,
                    StartsAt = StoredTime.Time(request.StartsAt),
                    EndsAt = StoredTime.Time(request.EndsAt),
                    Location = string.IsNullOrWhiteSpace(request.Location) ? null : request.Location.Trim(),
                    At = w.NowText,
                });
            w.Audit(AuditAction.ActivityCreated, $"activity:{row.Id}", row.ToResponse());
            return row.ToResponse();
        });
    }

    public static async Task<Results<Ok<Page<ActivityResponse>>, ProblemHttpResult>> List(Caller caller, Database database, long? communityId, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        var scope = CommunityScope.For(caller, communityId);
        if (!scope.IsSuccess)
            return Problems.From(scope.Failure!);
        await using var connection = await database.OpenReadAsync();
        var filters = new WhereClause().Page("id", page.Value).Where("community_id = @CommunityId", "CommunityId", scope.Value);
        var rows = connection.Query<ActivityRow>(
            $"SELECT {ActivityRow.Columns} FROM activities {filters.Sql} ORDER BY id DESC {database.Dialect.LimitTake}", filters.Parameters);
        return TypedResults.Ok(Paging.ToPage(rows.Select(r => r.ToResponse()), page.Value, a => a.Id));
    }

    /// <summary>
    /// One unit for the whole call, so it commits (and is answered, and is idempotent) as one; inside it, each entry
    /// runs in its own nested savepoint and is recorded and approved by exactly the rules of a single record.
    /// </summary>
    public static async Task<Results<Ok<AttendanceResponse>, ProblemHttpResult>> Attendance(long id, AttendanceRequest request, Caller caller, Writer writer)
    {
        return await writer.Update<AttendanceResponse>(caller, w =>
        {
            var activity = w.Connection.QuerySingleOrDefault<ActivityRow>($"SELECT {ActivityRow.Columns} FROM activities WHERE id = @Id", new { Id = id });
            if (activity is null || !w.Caller.CanAccess(activity.CommunityId))
                return Failure.NotFound("activity", id);
            var community = w.Community(activity.CommunityId)!;

            var recorded = new List<AttendanceRecorded>();
            var rejected = new List<AttendanceRejected>();
            for (var index = 0; index < request.Entries.Length; index++)
            {
                var entry = request.Entries[index];
                var result = w.Isolated(() => RecordEntry(w, community, activity, entry));
                if (result.IsSuccess)
                    recorded.Add(new AttendanceRecorded(index, result.Value.VolunteerId, result.Value.Id, result.Value.Points ?? 0));
                else
                    rejected.Add(new AttendanceRejected(index, result.Failure!.Code, Messages.Get(result.Failure.MessageKey, result.Failure.Args)));
            }
            w.Audit(AuditAction.ActivityAttendance, $"activity:{id}", new { recorded = recorded.Count, rejected = rejected.Count });
            return new AttendanceResponse(recorded, rejected);
        });
    }

    private static Outcome<ServiceRecordRow> RecordEntry(WriteContext w, CommunityContext community, ActivityRow activity, AttendanceEntry entry)
    {
        if ((entry.VolunteerId is null) == (entry.MemberCode is null))
            return new Failure(400, "validation", "entry-who");
        if (entry.Score is not (>= 1 and <= 5))
            return new Failure(400, "validation", "entry-score");

        var volunteer = entry.VolunteerId is { } volunteerId
            ? VolunteerQueries.ById(w.Connection, volunteerId)
            : MemberCode.Normalize(entry.MemberCode) is { } code ? VolunteerQueries.ByCode(w.Connection, code) : null;
        if (volunteer is null || volunteer.CommunityId != activity.CommunityId)
            return Failure.NotFound("volunteer", (object?)entry.VolunteerId ?? entry.MemberCode);

        var span = new Span(entry.StartedAt ?? activity.StartsAt, entry.EndedAt ?? activity.EndsAt);
        return ServiceRecordChanges.Record(w, community, volunteer, new NewRecord(activity.Category, span, activity.Title, activity.Id, activity.Span), entry.Score);
    }
}
