-- Foundation: communities, API keys, versioned rules, volunteers, audit events, idempotency.
-- Times are UTC ISO-8601 text of fixed width (see Infrastructure/Sql.cs); ids are integers.

CREATE TABLE communities (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    street     TEXT NOT NULL,
    district   TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'client', 'auditor')),
    community_id INTEGER REFERENCES communities (id),
    key_hash     TEXT NOT NULL UNIQUE,
    key_prefix   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

-- A rule set is immutable once stored; a change is a new version. Records are valued by the version whose
-- effective_from is the latest at or before their start.
CREATE TABLE rule_versions (
    community_id   INTEGER NOT NULL REFERENCES communities (id),
    version        INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    rules          TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (community_id, version)
);

CREATE TABLE volunteers (
    id             INTEGER PRIMARY KEY,
    community_id   INTEGER NOT NULL REFERENCES communities (id),
    member_code    TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,
    wechat_open_id TEXT UNIQUE,
    grid           TEXT,
    building_group TEXT,
    skills         TEXT NOT NULL DEFAULT '[]',
    echelon        TEXT NOT NULL CHECK (echelon IN ('first', 'second', 'reserve')),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX ix_volunteers_community ON volunteers (community_id, id);
CREATE INDEX ix_volunteers_community_phone ON volunteers (community_id, phone);
CREATE INDEX ix_volunteers_community_name ON volunteers (community_id, name);

-- Append-only: every state change writes one row in the same transaction as the change.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_key_id INTEGER,
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    request_id   TEXT,
    detail       TEXT NOT NULL,
    -- SHA-256 of the previous event's hash and this row's canonical bytes (Infrastructure/Chain.cs).
    hash         TEXT NOT NULL
);
CREATE INDEX ix_audit_events_at ON audit_events (at);
CREATE INDEX ix_audit_events_subject ON audit_events (subject, id);
CREATE INDEX ix_audit_events_actor ON audit_events (actor_key_id, id);

-- The first successful answer to a POST with an Idempotency-Key, stored with the change it answers.
CREATE TABLE idempotency_keys (
    api_key_id      INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status_code     INTEGER NOT NULL,
    response_body   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
