-- The counter: rewards, redemptions with receipt numbers, and points kept in lots by the year they were earned.

CREATE TABLE rewards (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    description  TEXT,
    points_cost  INTEGER NOT NULL CHECK (points_cost > 0),
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX ix_rewards_community ON rewards (community_id, id);

-- Receipt numbers run per community and local year: C001-2026-00042.
CREATE TABLE receipt_sequences (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (community_id, year)
);

CREATE TABLE redemptions (
    id                          INTEGER PRIMARY KEY,
    community_id                INTEGER NOT NULL REFERENCES communities (id),
    volunteer_id                INTEGER NOT NULL REFERENCES volunteers (id),
    reward_id                   INTEGER NOT NULL REFERENCES rewards (id),
    quantity                    INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    points_spent                INTEGER NOT NULL CHECK (points_spent > 0),
    receipt_no                  TEXT NOT NULL UNIQUE,
    status                      TEXT NOT NULL CHECK (status IN ('completed', 'cancelled')),
    transaction_id              INTEGER NOT NULL REFERENCES ledger_transactions (id),
    cancellation_transaction_id INTEGER REFERENCES ledger_transactions (id),
    cancel_reason               TEXT,
    actor_key_id                INTEGER,
    created_at                  TEXT NOT NULL,
    cancelled_at                TEXT
);
CREATE INDEX ix_redemptions_community ON redemptions (community_id, id);
CREATE INDEX ix_redemptions_volunteer ON redemptions (volunteer_id, id);

-- One lot per volunteer account and year; the lots of an account hold max(0, balance).
CREATE TABLE point_lots (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    year       INTEGER NOT NULL,
    remaining  INTEGER NOT NULL CHECK (remaining >= 0),
    UNIQUE (account_id, year)
);
CREATE INDEX ix_point_lots_year ON point_lots (year, account_id);

-- Which lots each transaction filled or drew on, so a cancellation can put points back where they came from.
CREATE TABLE lot_movements (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    lot_id         INTEGER NOT NULL REFERENCES point_lots (id),
    amount         INTEGER NOT NULL CHECK (amount <> 0)
);
CREATE INDEX ix_lot_movements_transaction ON lot_movements (transaction_id);
