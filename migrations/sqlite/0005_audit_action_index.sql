-- Auditors filter the trail by action ("every redemption.cancelled"); without this index that page walked the table.
CREATE INDEX ix_audit_events_action ON audit_events (action, id);
