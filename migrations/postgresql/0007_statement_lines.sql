-- A volunteer's statement (twin of migrations/sqlite/0007): a plain table whose primary key is the page's order.
CREATE TABLE statement_lines (
    account_id     bigint NOT NULL REFERENCES accounts (id),
    posting_id     bigint NOT NULL REFERENCES postings (id),
    transaction_id bigint NOT NULL,
    at             text COLLATE "C" NOT NULL,
    kind           text COLLATE "C" NOT NULL,
    amount         bigint NOT NULL,
    balance_after  bigint NOT NULL,
    reference      text COLLATE "C",
    memo           text COLLATE "C",
    PRIMARY KEY (account_id, posting_id)
);

INSERT INTO statement_lines (account_id, posting_id, transaction_id, at, kind, amount, balance_after, reference, memo)
SELECT p.account_id, p.id, t.id, t.at, t.kind, p.amount, p.balance_after, t.reference, t.memo
FROM postings p
JOIN accounts a ON a.id = p.account_id
JOIN ledger_transactions t ON t.id = p.transaction_id
WHERE a.volunteer_id IS NOT NULL;

CREATE TRIGGER statement_lines_are_append_only BEFORE UPDATE OR DELETE ON statement_lines
    FOR EACH ROW EXECUTE FUNCTION refuse_change('statement lines are append-only');
