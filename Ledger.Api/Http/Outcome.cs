using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Api.Storage;

namespace Ledger.Api.Http;

/// <summary>
/// An expected way for a request to fail: a status, the contract's machine <c>code</c>, and a message looked up in
/// <see cref="Messages"/> in the caller's language when the answer is written (units run on the writer's thread, which
/// does not carry the request's culture).
/// </summary>
public sealed record Failure(int Status, string Code, string MessageKey, params object?[] Args)
{
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    public static Failure NotFound(string what, object? id) => new(404, "not-found", "not-found", new Noun(what), id);
    public static Failure Forbidden() => new(403, "forbidden", "forbidden");
    public static Failure Conflict(string code, string messageKey, params object?[] args) => new(409, code, messageKey, args);

    /// <summary>A validation failure found by a handler (one that needs the database), shaped like the validator's.</summary>
    public static Failure Invalid(string field, string messageKey, params object?[] args) =>
        new(400, "validation", "validation")
        {
            Errors = new Dictionary<string, string[]> { [field] = [Messages.Get(messageKey, args)] },
        };
}

/// <summary>The result of a unit of work or a handler step: a value, or a <see cref="Failure"/>.</summary>
public readonly struct Outcome<T>
{
    private readonly T? _value;

    private Outcome(T value)
    {
        _value = value;
        Failure = null;
    }

    private Outcome(Failure failure)
    {
        _value = default;
        Failure = failure;
    }

    public Failure? Failure { get; }

    public bool IsSuccess => Failure is null;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"Outcome failed with {Failure!.Code}.");

    public static implicit operator Outcome<T>(T value) => new(value);

    public static implicit operator Outcome<T>(Failure failure) => new(failure);
}

/// <summary>A thing named in a message, put into the caller's language when the message is formatted.</summary>
public sealed record Noun(string Key)
{
    public override string ToString() => Messages.Noun(Key);
}

/// <summary>
/// The one way a write becomes an answer. Each names its success status once: it is the status of this answer and the
/// one stored with the change for an idempotent replay, so the two cannot disagree. A refusal becomes its problem.
/// </summary>
public static class WriteAnswers
{
    /// <summary>201 with the unit's value (and a Location, when the created thing has an address of its own).</summary>
    public static async Task<Results<Created<T>, ProblemHttpResult>> Create<T>(this Writer writer, Caller caller,
        Func<WriteContext, Outcome<T>> work, Func<T, string?>? location = null)
    {
        var outcome = await writer.RunAnswering(caller, StatusCodes.Status201Created, work);
        return outcome.IsSuccess ? TypedResults.Created(location?.Invoke(outcome.Value), outcome.Value) : Problems.From(outcome.Failure!);
    }

    /// <summary>200 with the unit's value: a change to something that exists, or an action on it.</summary>
    public static async Task<Results<Ok<T>, ProblemHttpResult>> Update<T>(this Writer writer, Caller caller, Func<WriteContext, Outcome<T>> work)
    {
        var outcome = await writer.RunAnswering(caller, StatusCodes.Status200OK, work);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value) : Problems.From(outcome.Failure!);
    }

    /// <summary>204: the unit's value only says it succeeded.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(this Writer writer, Caller caller, Func<WriteContext, Outcome<bool>> work)
    {
        var outcome = await writer.RunAnswering(caller, StatusCodes.Status204NoContent, work);
        return outcome.IsSuccess ? TypedResults.NoContent() : Problems.From(outcome.Failure!);
    }
}
