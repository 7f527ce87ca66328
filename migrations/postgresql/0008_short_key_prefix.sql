-- An API key keeps at most 4 characters in clear (twin of migrations/sqlite/0008).
UPDATE api_keys SET key_prefix = substr(key_prefix, 1, 4) WHERE length(key_prefix) > 4;

CREATE FUNCTION refuse_long_key_prefix() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'key_prefix keeps at most 4 characters';
END
$$;
CREATE TRIGGER api_keys_prefix_is_short BEFORE INSERT OR UPDATE OF key_prefix ON api_keys
    FOR EACH ROW WHEN (length(NEW.key_prefix) > 4) EXECUTE FUNCTION refuse_long_key_prefix();
