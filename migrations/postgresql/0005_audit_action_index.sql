-- Auditors filter the trail by action (twin of migrations/sqlite/0005).
CREATE INDEX ix_audit_events_action ON audit_events (action, id);
