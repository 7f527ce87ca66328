using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Volunteers;
using Ledger.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Api.Communities;
using Ledger.Core.Records;

namespace Ledger.Api.ServiceRecords;

public static class ServiceRecordsApi
{
    public static IEndpointRouteBuilder MapServiceRecordsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("service-records", "Service records");

        group.MapPost("/", Submit)
            .WithName("SubmitServiceRecord")
            .WithRequestExample(now => new
            {
                volunteerId = 1,
                category = "elderly-care",
                startedAt = RequestExample.Time(now.AddHours(-2).AddSeconds(-33.512)),
                endedAt = RequestExample.Time(now.AddHours(-1).AddSeconds(-19.883)),
                description = "陪同独居老人就医",
            })
            .WithSummary("Record served hours (pending). Staff may add approve: true and a score to record and approve at once.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(Policies.Write);
        group.MapPost("/{id:long}/approve", Approve)
            .WithName("ApproveServiceRecord")
            .WithRequestExample(_ => new { score = 5 })
            .WithSummary("Approve a pending record with an effectiveness score (1–5); its points are accrued.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:long}/reject", Reject)
            .WithName("RejectServiceRecord")
            .WithRequestExample(_ => new { reason = "当天活动签到表上没有该志愿者，请补充证明后重新提交" })
            .WithSummary("Reject a pending record, with the reason.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:long}/reverse", Reverse)
            .WithName("ReverseServiceRecord")
            .WithRequestExample(_ => new { reason = "经核实重复登记，撤销该记录" })
            .WithSummary("Reverse an approved record: a compensating transaction takes its points back and its hours stop counting.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Staff);
        group.MapGet("/{id:long}", Get)
            .WithName("GetServiceRecord")
            .WithSummary("One service record.")
            .RequireAuthorization(Policies.Read);
        group.MapGet("/", List)
            .WithName("ListServiceRecords")
            .WithSummary("Service records, newest first, by community, volunteer, status and start time (from inclusive, to exclusive); format=csv streams them all.")
            .Produces<Page<ServiceRecordResponse>>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AnswersCsv()
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Results<Created<ServiceRecordResponse>, ProblemHttpResult>> Submit(
        SubmitRecordRequest request, Caller caller, Writer writer)
    {
        if (RecordLifecycle.Submit(approveAtOnce: request.Approve == true, byStaff: caller.Role is Roles.Staff or Roles.Admin) is not null)
            return Problems.From(new Failure(403, "forbidden", "approve-needs-staff"));
        return await writer.Create<ServiceRecordResponse>(caller, w =>
        {
            var volunteer = VolunteerQueries.ById(w.Connection, request.VolunteerId);
            if (volunteer is null || !w.Caller.CanAccess(volunteer.CommunityId))
                return Failure.NotFound("volunteer", request.VolunteerId);
            if (request.ActivityId is { } activityId
                && w.Connection.ExecuteScalar<long?>("SELECT community_id FROM activities WHERE id = @Id", new { Id = activityId }) != volunteer.CommunityId)
                return Failure.Invalid("activityId", "activity-not-found", activityId);
            var community = w.Community(volunteer.CommunityId)!;
            var record = new NewRecord(request.Category, new Span(request.StartedAt, request.EndedAt), request.Description, request.ActivityId);
            var recorded = ServiceRecordChanges.Record(w, community, volunteer, record, request.Approve == true ? request.Score : null);
            return recorded.IsSuccess ? recorded.Value.ToResponse() : recorded.Failure!;
        });
    }

    public static Task<Results<Ok<ServiceRecordResponse>, ProblemHttpResult>> Approve(long id, ApproveRequest request, Caller caller, Writer writer) =>
        Decide(id, caller, writer, (w, community, row) => ServiceRecordChanges.Approve(w, community, row, request.Score), static r => r.ToResponse());

    public static Task<Results<Ok<ServiceRecordResponse>, ProblemHttpResult>> Reject(long id, ReasonRequest request, Caller caller, Writer writer) =>
        Decide(id, caller, writer, (w, _, row) => ServiceRecordChanges.Reject(w, row, request.Reason), static r => r.ToResponse());

    public static Task<Results<Ok<ReversalResponse>, ProblemHttpResult>> Reverse(long id, ReasonRequest request, Caller caller, Writer writer) =>
        Decide(id, caller, writer, (w, _, row) => ServiceRecordChanges.Reverse(w, row, request.Reason), static r =>
        {
            var v = r.ToResponse();
            return new ReversalResponse(v.Id, v.Status, v.ReversalTransactionId, v.TransactionId, v.Minutes, v.Points ?? 0);
        });

    /// <summary>
    /// The status changes share their shape: find the record in the caller's community, then change it in one unit.
    /// The answer is built inside the unit, so an idempotent replay stores and gives the very same body.
    /// </summary>
    private static Task<Results<Ok<T>, ProblemHttpResult>> Decide<T>(long id, Caller caller, Writer writer,
        Func<WriteContext, CommunityContext, ServiceRecordRow, Outcome<ServiceRecordRow>> change, Func<ServiceRecordRow, T> answer) =>
        writer.Update<T>(caller, w =>
        {
            var row = ServiceRecordChanges.Find(w.Connection, id);
            if (row is null || !w.Caller.CanAccess(row.CommunityId))
                return Failure.NotFound("service-record", id);
            var changed = change(w, w.Community(row.CommunityId)!, row);
            return changed.IsSuccess ? answer(changed.Value) : changed.Failure!;
        });

    public static async Task<Results<Ok<ServiceRecordResponse>, ProblemHttpResult>> Get(long id, Caller caller, Database database)
    {
        await using var connection = await database.OpenReadAsync();
        var row = ServiceRecordChanges.Find(connection, id);
        return row is null || !caller.CanAccess(row.CommunityId)
            ? Problems.From(Failure.NotFound("service-record", id))
            : TypedResults.Ok(row.ToResponse());
    }

    public static async Task<IResult> List(
        Caller caller, Database database, CommunityContexts communities, long? communityId, long? volunteerId, string? status, DateTimeOffset? from, DateTimeOffset? to,
        string? format, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        if (status is not null && !RecordStatuses.All.Contains(status))
            return Problems.From(Failure.Invalid("status", "one-of", string.Join(", ", RecordStatuses.All)));
        var scope = CommunityScope.For(caller, communityId);
        if (!scope.IsSuccess)
            return Problems.From(scope.Failure!);

        var csv = Csv.Wanted(format);
        var filters = new WhereClause()
            .Page("id", csv ? null : page.Value)
            .Where("community_id = @CommunityId", "CommunityId", scope.Value)
            .Where("volunteer_id = @VolunteerId", "VolunteerId", volunteerId)
            .Where("status = @Status", "Status", status)
            .Where("started_at >= @From", "From", WhereClause.Time(from))
            .Where("started_at < @To", "To", WhereClause.Time(to));
        var sql = $"SELECT {ServiceRecordRow.Columns} FROM service_records {filters.Sql} ORDER BY id DESC";
        if (csv)
        {
            // The volunteer's name by a subquery rather than a join, so the list's unqualified filters keep their meaning.
            var exportSql = $"""
                SELECT {ServiceRecordRow.Columns},
                       (SELECT v.name FROM volunteers v WHERE v.id = service_records.volunteer_id) AS volunteer_name
                FROM service_records {filters.Sql} ORDER BY id DESC
                """;
            return Csv.Stream("service-records.csv", Export, () => database.Stream<ExportRow>(exportSql, filters.Parameters), communities.Zones(database));
        }

        await using var connection = await database.OpenReadAsync();
        var rows = connection.Query<ServiceRecordRow>(sql + " " + database.Dialect.LimitTake, filters.Parameters);
        return TypedResults.Ok(Paging.ToPage(rows.Select(r => r.ToResponse()), page.Value, r => r.Id));
    }

    private sealed class ExportRow : ServiceRecordRow
    {
        public string? VolunteerName { get; init; }
    }

    private static readonly CsvTable<ExportRow> Export = new CsvTable<ExportRow>(r => r.CommunityId)
        .Number("id", "记录编号", r => r.Id)
        .Number("communityId", "社区编号", r => r.CommunityId)
        .Number("volunteerId", "志愿者编号", r => r.VolunteerId)
        .Text("volunteerName", "志愿者姓名", r => r.VolunteerName)
        .Number("activityId", "活动编号", r => r.ActivityId)
        .Code("category", "服务类别", r => r.Category, Labels.Category)
        .Time("startedAt", "开始时间", r => r.StartedAt)
        .Time("endedAt", "结束时间", r => r.EndedAt)
        .Number("minutes", "服务时长（分钟）", r => r.Minutes)
        .Code("status", "状态", r => r.Status, Labels.RecordStatus)
        .Number("score", "评分", r => r.Score)
        .Number("points", "积分", r => r.Points)
        .Number("ruleVersion", "规则版本", r => r.RuleVersion)
        .Number("transactionId", "积分交易编号", r => r.AccrualTransactionId)
        .Number("reversalTransactionId", "撤销交易编号", r => r.ReversalTransactionId)
        .Text("reason", "驳回或撤销原因", r => r.Reason)
        .Text("description", "服务内容", r => r.Description)
        .Time("createdAt", "提交时间", r => r.CreatedAt)
        .Time("decidedAt", "审核时间", r => r.DecidedAt)
        .Time("reversedAt", "撤销时间", r => r.ReversedAt);
}
