-- A volunteer's ledger page reads each posting's transaction, amount and balance from the index (twin of
-- migrations/sqlite/0006; PostgreSQL carries them as INCLUDE columns).
DROP INDEX ix_postings_account;
CREATE INDEX ix_postings_account ON postings (account_id, id) INCLUDE (transaction_id, amount, balance_after);
