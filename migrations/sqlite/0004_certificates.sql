-- Service certificates (志愿服务证明): what was certified, under a code that cannot be guessed from another.
CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    volunteer_id     INTEGER NOT NULL REFERENCES volunteers (id),
    community_id     INTEGER NOT NULL REFERENCES communities (id),
    year             INTEGER NOT NULL,
    approved_minutes INTEGER NOT NULL,
    stars            INTEGER NOT NULL,
    categories       TEXT NOT NULL,
    issued_at        TEXT NOT NULL
);
CREATE INDEX ix_certificates_volunteer ON certificates (volunteer_id, year, id);
