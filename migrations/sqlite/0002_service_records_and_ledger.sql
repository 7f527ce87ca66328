-- Hours to points: activities, service records, and the double-entry ledger.

CREATE TABLE activities (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    title        TEXT NOT NULL,
    category     TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    location     TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX ix_activities_community ON activities (community_id, id);

CREATE TABLE service_records (
    id                      INTEGER PRIMARY KEY,
    community_id            INTEGER NOT NULL REFERENCES communities (id),
    volunteer_id            INTEGER NOT NULL REFERENCES volunteers (id),
    activity_id             INTEGER REFERENCES activities (id),
    category                TEXT NOT NULL,
    started_at              TEXT NOT NULL,
    ended_at                TEXT NOT NULL,
    minutes                 INTEGER NOT NULL CHECK (minutes > 0),
    description             TEXT,
    status                  TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'reversed')),
    score                   INTEGER CHECK (score BETWEEN 1 AND 5),
    points                  INTEGER,
    rule_version            INTEGER,
    accrual_transaction_id  INTEGER REFERENCES ledger_transactions (id),
    reversal_transaction_id INTEGER REFERENCES ledger_transactions (id),
    reason                  TEXT,
    submitted_by_key_id     INTEGER,
    decided_by_key_id       INTEGER,
    created_at              TEXT NOT NULL,
    decided_at              TEXT,
    reversed_at             TEXT
);
-- Overlap and daily-cap checks read a volunteer's records around a time; summaries sum the approved ones.
CREATE INDEX ix_service_records_volunteer ON service_records (volunteer_id, started_at);
CREATE INDEX ix_service_records_volunteer_status ON service_records (volunteer_id, status, started_at, minutes, score);
CREATE INDEX ix_service_records_community ON service_records (community_id, id);
CREATE INDEX ix_service_records_community_status ON service_records (community_id, status, id);

-- One account per volunteer, and per community one each of issuance, redemption and expiry. The balance is kept
-- with every posting (in the same transaction), so reading one is a single row.
CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind         TEXT NOT NULL CHECK (kind IN ('volunteer', 'issuance', 'redemption', 'expiry')),
    volunteer_id INTEGER REFERENCES volunteers (id),
    balance      INTEGER NOT NULL DEFAULT 0,
    CHECK ((kind = 'volunteer') = (volunteer_id IS NOT NULL))
);
CREATE UNIQUE INDEX ux_accounts_volunteer ON accounts (volunteer_id) WHERE volunteer_id IS NOT NULL;
CREATE UNIQUE INDEX ux_accounts_community ON accounts (community_id, kind) WHERE volunteer_id IS NULL;

CREATE TABLE ledger_transactions (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind         TEXT NOT NULL CHECK (kind IN ('accrual', 'reversal', 'redemption', 'cancellation', 'adjustment', 'expiry', 'transfer')),
    at           TEXT NOT NULL,
    reference    TEXT,
    memo         TEXT,
    actor_key_id INTEGER,
    request_id   TEXT,
    reverses_id  INTEGER REFERENCES ledger_transactions (id),
    -- SHA-256 of the previous transaction's hash and this one's canonical bytes, postings included (Infrastructure/Chain.cs).
    hash         TEXT NOT NULL
);
CREATE INDEX ix_ledger_transactions_community ON ledger_transactions (community_id, id);
CREATE INDEX ix_ledger_transactions_community_kind ON ledger_transactions (community_id, kind, id);
CREATE UNIQUE INDEX ux_ledger_transactions_reverses ON ledger_transactions (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TABLE postings (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    amount         INTEGER NOT NULL CHECK (amount <> 0),
    balance_after  INTEGER NOT NULL
);
CREATE INDEX ix_postings_account ON postings (account_id, id);
CREATE INDEX ix_postings_transaction ON postings (transaction_id);

-- The books are append-only: a mistake is undone by a compensating transaction, never by an edit.
CREATE TRIGGER postings_are_append_only_u BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_are_append_only_d BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER ledger_transactions_are_append_only_u BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
CREATE TRIGGER ledger_transactions_are_append_only_d BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
