-- audit_logs is append-only: rows may be inserted, never updated, and deleted
-- only by the retention job, which marks its transaction with
--   SET LOCAL gatehouse.audit_retention = 'on';
-- (SET LOCAL: the mark ends with the transaction). TRUNCATE is always refused.
-- Refusals raise SQLSTATE GA001 with the message "audit_logs is append-only".
--
-- This guards against application mistakes, not against a database role that
-- may drop triggers. Statement-level triggers: a refused statement fails even
-- when it matches no row, and a retention DELETE pays one check, not one per row.

CREATE FUNCTION "audit_logs_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('gatehouse.audit_retention', true) = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit_logs is append-only'
    USING ERRCODE = 'GA001',
          HINT = 'Only the retention job deletes audit rows (SET LOCAL gatehouse.audit_retention = ''on'').';
END;
$$;

CREATE TRIGGER "audit_logs_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_logs"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_logs_append_only"();

CREATE TRIGGER "audit_logs_no_truncate"
  BEFORE TRUNCATE ON "audit_logs"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_logs_append_only"();
