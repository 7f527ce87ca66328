-- A volunteer's statement: each posting to a volunteer's account with the transaction fields their ledger page shows,
-- stored in the page's order (account, then posting). The page reads one short range of this table instead of
-- seeking a transaction row per posting; those seeks, scattered over the whole transactions table, were most of the
-- page's cost. Written by Books.Post in the same unit as the posting; the postings and transactions stay the books
-- of record, and the verify check compares every line with them.
-- (WITHOUT ROWID stores the rows in primary-key order; PostgreSQL would use a plain table, its primary key, and an
-- index-only scan.)
CREATE TABLE statement_lines (
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    posting_id     INTEGER NOT NULL REFERENCES postings (id),
    transaction_id INTEGER NOT NULL,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    balance_after  INTEGER NOT NULL,
    reference      TEXT,
    memo           TEXT,
    PRIMARY KEY (account_id, posting_id)
) WITHOUT ROWID;

INSERT INTO statement_lines (account_id, posting_id, transaction_id, at, kind, amount, balance_after, reference, memo)
SELECT p.account_id, p.id, t.id, t.at, t.kind, p.amount, p.balance_after, t.reference, t.memo
FROM postings p
JOIN accounts a ON a.id = p.account_id
JOIN ledger_transactions t ON t.id = p.transaction_id
WHERE a.volunteer_id IS NOT NULL;

CREATE TRIGGER statement_lines_are_append_only_u BEFORE UPDATE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
CREATE TRIGGER statement_lines_are_append_only_d BEFORE DELETE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
