-- An API key keeps at most 4 characters in clear (ApiKeySecrets.DisplayLength). The first 10 used to be kept, and
-- of a configured bootstrap key of 16 characters that left 6 to guess. The audit events that recorded the old
-- prefixes stay as they are (they are chained); rotate a configured bootstrap key to be rid of them.
UPDATE api_keys SET key_prefix = substr(key_prefix, 1, 4) WHERE length(key_prefix) > 4;

CREATE TRIGGER api_keys_prefix_is_short_i BEFORE INSERT ON api_keys WHEN length(NEW.key_prefix) > 4
BEGIN SELECT RAISE(ABORT, 'key_prefix keeps at most 4 characters'); END;
CREATE TRIGGER api_keys_prefix_is_short_u BEFORE UPDATE OF key_prefix ON api_keys WHEN length(NEW.key_prefix) > 4
BEGIN SELECT RAISE(ABORT, 'key_prefix keeps at most 4 characters'); END;
