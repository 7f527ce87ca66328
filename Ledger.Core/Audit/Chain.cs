using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Core.Audit;

/// <summary>
/// The hash chains that make an edit behind the service's back detectable. There are two chains — audit events and
/// ledger transactions — each in commit order (id order: the single writer assigns ids as it commits):
///
///   hash(row) = SHA-256( hash(previous row) ‖ canonical(row) ), the first row chaining from 32 zero bytes;
///
/// stored as lowercase hex. canonical(row) is the row's fields in a fixed order, each written as a 4-byte big-endian
/// length followed by its UTF-8 bytes; a NULL field is the length 0xFFFFFFFF with no bytes. Integers are written in
/// invariant decimal, times exactly as stored (UTC, "yyyy-MM-ddTHH:mm:ss.fffZ"), JSON detail exactly as stored.
///
///   audit event:  "audit-event", id, at, actor_key_id, action, subject, request_id, detail
///   transaction:  "ledger-transaction", id, community_id, kind, at, reference, memo, actor_key_id, request_id,
///                 reverses_id, then for each posting in id order: account ("volunteer:42", "community:7:issuance"), amount
///
/// A posting's balance_after is derived data and is not hashed; the verify check recomputes balances separately.
/// </summary>
public static class Chain
{
    public static readonly byte[] Genesis = new byte[32];

    public sealed class Canonical
    {
        private readonly List<byte> _bytes = new(256);

        public Canonical Add(string? value)
        {
            Span<byte> length = stackalloc byte[4];
            if (value is null)
            {
                BinaryPrimitives.WriteUInt32BigEndian(length, uint.MaxValue);
                _bytes.AddRange(length.ToArray());
                return this;
            }
            var utf8 = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)utf8.Length);
            _bytes.AddRange(length.ToArray());
            _bytes.AddRange(utf8);
            return this;
        }

        public Canonical Add(long? value) => Add(value?.ToString(CultureInfo.InvariantCulture));

        public byte[] ToArray() => _bytes.ToArray();
    }

    public static string Hash(byte[] previous, byte[] canonical)
    {
        var buffer = new byte[previous.Length + canonical.Length];
        previous.CopyTo(buffer, 0);
        canonical.CopyTo(buffer, previous.Length);
        return Convert.ToHexStringLower(SHA256.HashData(buffer));
    }

    public static byte[] Previous(string? hex) => hex is null ? Genesis : Convert.FromHexString(hex);

    public static byte[] AuditEvent(long id, string at, long? actorKeyId, string action, string subject, string? requestId, string detail) =>
        new Canonical().Add("audit-event").Add(id).Add(at).Add(actorKeyId).Add(action).Add(subject).Add(requestId).Add(detail).ToArray();

    public static byte[] Transaction(long id, long communityId, string kind, string at, string? reference, string? memo, long? actorKeyId,
        string? requestId, long? reversesId, IEnumerable<(string Account, long Amount)> postings)
    {
        var canonical = new Canonical().Add("ledger-transaction").Add(id).Add(communityId).Add(kind).Add(at).Add(reference).Add(memo)
            .Add(actorKeyId).Add(requestId).Add(reversesId);
        foreach (var (account, amount) in postings)
            canonical.Add(account).Add(amount);
        return canonical.ToArray();
    }
}
