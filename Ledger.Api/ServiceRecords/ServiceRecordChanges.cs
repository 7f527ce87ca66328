using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Points;
using Ledger.Api.Volunteers;
using Ledger.Core.Ledger;
using Ledger.Core.Rules;
using Ledger.Core.Records;
using Ledger.Core.Audit;

namespace Ledger.Api.ServiceRecords;

/// <param name="Within">The activity's time when the record is attendance at it: the record must lie within it.</param>
public sealed record NewRecord(string Category, Span Span, string? Description, long? ActivityId, Span? Within = null);

/// <summary>
/// Recording, approving, rejecting and reversing service hours, as steps inside a unit of the writer. Used by the
/// single-record endpoints and by bulk attendance, so both apply exactly the same rules. Core decides each step
/// (<see cref="RecordLifecycle"/>, <see cref="ServiceTime"/>) on rows read in the same unit; on several nodes the
/// status updates must also be conditional on the status read, and the overlap check run under a lock per volunteer.
/// </summary>
public static class ServiceRecordChanges
{
    public static Outcome<ServiceRecordRow> Record(WriteContext w, CommunityContext community, VolunteerRow volunteer, NewRecord record, int? approveScore)
    {
        if (RecordLifecycle.Record(volunteerActive: volunteer.Status == VolunteerStatuses.Active) is not null)
            return Failure.Conflict("volunteer-inactive", "volunteer-inactive", volunteer.Id);
        if (RecordRules.Check(record.Span) is { } shape)
            return shape.ToFailure();
        var version = RuleVersion.InForceAt(community.Versions, record.Span.Start);
        if (version is null)
            return new Failure(422, "validation", "no-rules");

        // The checks that need no other record first: they also keep absurd times away from the day arithmetic below.
        var alone = ServiceTime.Check(version.Rules, community.Zone, w.Now, record.Span, [], record.Within);
        if (alone.Problem is { } early and not (RecordProblem.DailyCapExceeded or RecordProblem.OverlappingRecord))
            return Refusal(early, alone.Minutes, version.Rules, community.Zone, record);

        // Everything that can share a local day with the new record: records are at most a day long, so starting
        // from a day before its first local midnight covers every overlap and every day it touches.
        var (windowStart, _) = ServiceTime.LocalDayBounds(ServiceTime.LocalDate(record.Span.Start, community.Zone), community.Zone);
        var (_, windowEnd) = ServiceTime.LocalDayBounds(ServiceTime.LocalDate(record.Span.End.AddTicks(-1), community.Zone), community.Zone);
        var others = w.Connection.Query<(string StartedAt, string EndedAt)>(
                $"""
                SELECT started_at, ended_at FROM service_records
                WHERE volunteer_id = @VolunteerId AND status IN ('{RecordStatuses.Pending}', '{RecordStatuses.Approved}')
                  AND started_at >= @From AND started_at < @To
                """,
                new { VolunteerId = volunteer.Id, From = StoredTime.Time(windowStart.AddDays(-1)), To = StoredTime.Time(windowEnd) })
            .Select(o => new Span(StoredTime.ParseTime(o.StartedAt), StoredTime.ParseTime(o.EndedAt)))
            .ToList();

        var check = ServiceTime.Check(version.Rules, community.Zone, w.Now, record.Span, others, record.Within);
        if (check.Problem is { } problem)
            return Refusal(problem, check.Minutes, version.Rules, community.Zone, record);

        var minutes = check.Minutes;
        if (approveScore is not { } score)
        {
            var pending = Insert(w, community, volunteer, record, minutes, w.NextId("service_records"), approval: null);
            w.Audit(AuditAction.ServiceRecordSubmitted, $"service-record:{pending.Id}", Submitted(pending));
            return pending;
        }

        // Submitted and approved at once (the counter's usual way): the points are posted first, under the id the
        // record is about to get, so the record is written once, already approved, rather than written and updated.
        var id = w.NextId("service_records");
        var points = PointAward.For(minutes, version.Rules, record.Category);
        var transactionId = Accrue(w, community.CommunityId, volunteer.Id, id, record.Category, points);
        var row = Insert(w, community, volunteer, record, minutes, id, new Approval(score, points, version.Version, transactionId));
        w.Audit(AuditAction.ServiceRecordSubmitted, $"service-record:{row.Id}", Submitted(row));
        w.Audit(AuditAction.ServiceRecordApproved, $"service-record:{row.Id}", Approved(score, points, version.Version, transactionId));
        return row;
    }

    private sealed record Approval(int Score, long Points, int RuleVersion, long? TransactionId);

    private static ServiceRecordRow Insert(WriteContext w, CommunityContext community, VolunteerRow volunteer, NewRecord record, int minutes, long id, Approval? approval) =>
        w.Connection.QuerySingle<ServiceRecordRow>(
            $"""
            INSERT INTO service_records (id, community_id, volunteer_id, activity_id, category, started_at, ended_at, minutes, description,
                                         status, score, points, rule_version, accrual_transaction_id, submitted_by_key_id,
                                         decided_by_key_id, decided_at, created_at)
            VALUES (@Id, @CommunityId, @VolunteerId, @ActivityId, @Category, @StartedAt, @EndedAt, @Minutes, @Description,
                    @Status, @Score, @Points, @RuleVersion, @TransactionId, @Actor,
                    @DecidedBy, @DecidedAt, @At)
            RETURNING {ServiceRecordRow.Columns}
            """,
            new
            {
                Id = id,
                community.CommunityId,
                VolunteerId = volunteer.Id,
                record.ActivityId,
                record.Category,
                StartedAt = StoredTime.Time(record.Span.Start),
                EndedAt = StoredTime.Time(record.Span.End),
                Minutes = minutes,
                Description = string.IsNullOrWhiteSpace(record.Description) ? null : record.Description.Trim(),
                Status = approval is null ? RecordStatuses.Pending : RecordStatuses.Approved,
                approval?.Score,
                approval?.Points,
                approval?.RuleVersion,
                approval?.TransactionId,
                Actor = w.Caller.KeyId,
                DecidedBy = approval is null ? null : w.Caller.KeyId,
                DecidedAt = approval is null ? null : w.NowText,
                At = w.NowText,
            });

    private static object Submitted(ServiceRecordRow row) => new { row.VolunteerId, row.Category, row.StartedAt, row.EndedAt, row.Minutes };

    private static object Approved(int score, long points, int ruleVersion, long? transactionId) => new { score, points, ruleVersion, transactionId };

    private static long? Accrue(WriteContext w, long communityId, long volunteerId, long recordId, string category, long points) =>
        points > 0
            ? PointsLedger.Post(w, Entries.Accrual(communityId, volunteerId, points), $"service-record:{recordId}", category).TransactionId
            : null;

    /// <summary>pending → approved: values the record by the rule version in force at its start and accrues the points.</summary>
    public static Outcome<ServiceRecordRow> Approve(WriteContext w, CommunityContext community, ServiceRecordRow row, int score)
    {
        if (RecordLifecycle.Move(RecordStatuses.Parse(row.Status), RecordStatus.Approved) is { } refusal)
            return Refusal(refusal, row);
        var version = RuleVersion.InForceAt(community.Versions, row.StartedAt)
                      ?? throw new InvalidOperationException($"Record {row.Id} predates every rule version.");
        var points = PointAward.For(row.Minutes, version.Rules, row.Category);
        var transactionId = Accrue(w, row.CommunityId, row.VolunteerId, row.Id, row.Category, points);
        var approved = w.Connection.QuerySingle<ServiceRecordRow>(
            $"""
            UPDATE service_records
            SET status = '{RecordStatuses.Approved}', score = @Score, points = @Points, rule_version = @Version, accrual_transaction_id = @TransactionId,
                decided_by_key_id = @Actor, decided_at = @At
            WHERE id = @Id
            RETURNING {ServiceRecordRow.Columns}
            """,
            new { row.Id, Score = score, Points = points, version.Version, TransactionId = transactionId, Actor = w.Caller.KeyId, At = w.NowText });
        w.Audit(AuditAction.ServiceRecordApproved, $"service-record:{row.Id}", Approved(score, points, version.Version, transactionId));
        return approved;
    }

    public static Outcome<ServiceRecordRow> Reject(WriteContext w, ServiceRecordRow row, string reason)
    {
        if (RecordLifecycle.Move(RecordStatuses.Parse(row.Status), RecordStatus.Rejected) is { } refusal)
            return Refusal(refusal, row);
        var rejected = w.Connection.QuerySingle<ServiceRecordRow>(
            $"""
            UPDATE service_records SET status = '{RecordStatuses.Rejected}', reason = @Reason, decided_by_key_id = @Actor, decided_at = @At
            WHERE id = @Id
            RETURNING {ServiceRecordRow.Columns}
            """,
            new { row.Id, Reason = reason.Trim(), Actor = w.Caller.KeyId, At = w.NowText });
        w.Audit(AuditAction.ServiceRecordRejected, $"service-record:{row.Id}", new { reason });
        return rejected;
    }

    /// <summary>
    /// approved → reversed: a compensating transaction takes the points back, even if that leaves the balance negative
    /// (the points may already be spent; PRODUCT.md says they are then earned back). The hours stop counting.
    /// </summary>
    public static Outcome<ServiceRecordRow> Reverse(WriteContext w, ServiceRecordRow row, string reason)
    {
        if (RecordLifecycle.Move(RecordStatuses.Parse(row.Status), RecordStatus.Reversed) is { } refusal)
            return Refusal(refusal, row);
        long? reversalId = null;
        if (row.AccrualTransactionId is { } accrualId)
        {
            var compensation = Entries.Compensate(TransactionKind.Reversal, PointsLedger.PostingsOf(w.Connection, accrualId));
            reversalId = PointsLedger.Post(w, compensation, $"service-record:{row.Id}", reason.Trim(), reversesId: accrualId).TransactionId;
        }
        var reversed = w.Connection.QuerySingle<ServiceRecordRow>(
            $"""
            UPDATE service_records SET status = '{RecordStatuses.Reversed}', reason = @Reason, reversal_transaction_id = @ReversalId, reversed_at = @At
            WHERE id = @Id
            RETURNING {ServiceRecordRow.Columns}
            """,
            new { row.Id, Reason = reason.Trim(), ReversalId = reversalId, At = w.NowText });
        w.Audit(AuditAction.ServiceRecordReversed, $"service-record:{row.Id}", new { reason, transactionId = reversalId, reverses = row.AccrualTransactionId });
        return reversed;
    }

    /// <summary>A move the lifecycle refuses, naming the status the record is in.</summary>
    private static Failure Refusal(RecordRefusal refusal, ServiceRecordRow row) => refusal switch
    {
        RecordRefusal.NotPending => Failure.Conflict("record-not-pending", "record-not-pending", new Word(Labels.RecordStatus, row.Status)),
        RecordRefusal.NotApproved => Failure.Conflict("record-not-approved", "record-not-approved", new Word(Labels.RecordStatus, row.Status)),
        _ => throw new InvalidOperationException($"A move refused as {refusal}."),
    };

    public static ServiceRecordRow? Find(System.Data.IDbConnection connection, long id) =>
        connection.QuerySingleOrDefault<ServiceRecordRow>($"SELECT {ServiceRecordRow.Columns} FROM service_records WHERE id = @Id", new { Id = id });

    /// <summary>Rule breaches are 422 (the record itself is unacceptable) or 409 (it clashes with the volunteer's other records).</summary>
    public static Failure Refusal(RecordProblem problem, int minutes, RuleSet rules, TimeZoneInfo zone, NewRecord record) => problem switch
    {
        RecordProblem.TooShort => new Failure(422, problem.Code(), "too-short", minutes, rules.MinMinutes),
        RecordProblem.FutureTime => new Failure(422, problem.Code(), "future-time"),
        RecordProblem.TooOld => new Failure(422, problem.Code(), "too-old", rules.MaxBackdateDays),
        RecordProblem.OutsideActivity => new Failure(422, problem.Code(), "outside-activity",
            TimeZones.Local(record.Within!.Value.Start, zone), TimeZones.Local(record.Within.Value.End, zone)),
        RecordProblem.OverlappingRecord => new Failure(409, problem.Code(), "overlapping-record"),
        RecordProblem.DailyCapExceeded => new Failure(409, problem.Code(), "daily-cap-exceeded", rules.DailyCapMinutes),
        _ => RecordRules.Of(problem).ToFailure(),
    };
}
