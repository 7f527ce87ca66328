using System.Globalization;
using System.Text;
using FluentValidation;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// Runs FluentValidation for minimal APIs: one generic filter, attached to a group, that validates each argument whose
/// type has a validator and answers 400 <c>validation</c> with the field errors.
/// </summary>
public static class Validation
{
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            var validated = factory.MethodInfo.GetParameters()
                .Select((parameter, index) => (index, validator: services.GetService(typeof(IValidator<>).MakeGenericType(parameter.ParameterType)) as IValidator))
                .Where(p => p.validator is not null)
                .Select(p => (p.index, validator: p.validator!))
                .ToArray();
            if (validated.Length == 0)
                return next;

            return async invocation =>
            {
                // A body that failed to bind has already been answered with a 4xx; there is nothing to validate.
                if (invocation.HttpContext.Response.StatusCode >= 400)
                    return (object?)Results.Empty;
                foreach (var (index, validator) in validated)
                {
                    var argument = invocation.Arguments[index];
                    if (argument is null)
                        return Problems.From(Problems.Malformed(null));
                    var result = await validator.ValidateAsync(new ValidationContext<object>(argument), invocation.HttpContext.RequestAborted);
                    if (!result.IsValid)
                        return Problems.From(new Failure(400, "validation", "validation") { Errors = result.ToDictionary().AsReadOnly() });
                }
                return await next(invocation);
            };
        });

    /// <summary>Field names in errors and messages as the client sent them: camelCase paths (grading.excellent.minHours).</summary>
    public static void ConfigureGlobalOptions()
    {
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : CamelCase(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : CamelCase(member.Name);
    }

    private static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>At most <paramref name="max"/> items (or map entries); a validator of its own, not a Must, so the document states it.</summary>
    public static IRuleBuilderOptions<T, TCollection> MaxItems<T, TCollection>(this IRuleBuilder<T, TCollection> rule, int max)
        where TCollection : System.Collections.IEnumerable? =>
        rule.SetValidator(new MaxItemsValidator<T, TCollection>(max)).WithMessage(_ => Messages.Get("rule-too-many", 0, max));

    /// <summary>Free text from people: no control characters (they break CSV exports, logs and receipts).</summary>
    public static IRuleBuilderOptions<T, string?> PlainText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength)
            .Must(s => s is null || !s.Any(char.IsControl))
            .WithMessage(_ => Messages.Get("no-control-chars"));

    /// <summary>
    /// A name people read — a volunteer's on a certificate, card or receipt, a community's, a reward's: plain text with
    /// at least one character one can see, and no bidi override or isolate anywhere. Those reorder the text around them
    /// (a name could print as another), and a name of nothing but spaces, zero-width or other invisible characters
    /// shows as a blank that nobody can find or tell apart.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> VisibleName<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.PlainText(maxLength)
            .Must(s => s is null || !s.Any(IsBidiControl))
            .WithMessage(_ => Messages.Get("name-bidi-control"))
            .Must(s => s is null || s.EnumerateRunes().Any(r => !IsInvisible(r)))
            .WithMessage(_ => Messages.Get("name-invisible"));

    /// <summary>LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI. The marks LRM, RLM and ALM stay allowed inside a name:
    /// they only settle the direction of neighbouring punctuation, which names in Arabic script may need.</summary>
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary>Nothing drawn: white space, format characters (zero-width space and joiners, bidi marks, soft hyphen,
    /// BOM, tags), combining marks with nothing to combine with, and the fillers that are letters but print blank.</summary>
    private static bool IsInvisible(Rune r) =>
        Rune.IsWhiteSpace(r)
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        || r.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800;
}

/// <summary>A limit on how many items a collection (or entries a map) may hold, readable by the OpenAPI document.</summary>
public interface IMaxItemsValidator
{
    int Max { get; }
}

public sealed class MaxItemsValidator<T, TCollection>(int max) : FluentValidation.Validators.PropertyValidator<T, TCollection>, IMaxItemsValidator
    where TCollection : System.Collections.IEnumerable?
{
    public int Max { get; } = max;

    public override string Name => "MaxItemsValidator";

    public override bool IsValid(ValidationContext<T> context, TCollection value) =>
        value switch
        {
            null => true,
            System.Collections.ICollection c => c.Count <= Max,
            _ => value.Cast<object?>().Take(Max + 1).Count() <= Max,
        };

    protected override string GetDefaultMessageTemplate(string errorCode) => Messages.Get("rule-too-many", 0, Max);
}
