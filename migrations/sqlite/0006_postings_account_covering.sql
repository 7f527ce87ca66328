-- A volunteer's ledger page needs each posting's transaction, amount and balance: carried in the index, they cost no
-- table seek per row (the page went from two b-tree seeks a row to one).
DROP INDEX ix_postings_account;
CREATE INDEX ix_postings_account ON postings (account_id, id, transaction_id, amount, balance_after);
