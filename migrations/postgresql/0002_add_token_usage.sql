-- 0002_add_token_usage: what reconcile (and inventory discover --adopt) read on a user's security page about a
-- token's use (SPEC section 8.4), as SQLite's 0003_add_token_usage. Both stay NULL until a page was read;
-- use_count 0 with last_used NULL means "never used". last_used is midnight UTC of the day of the last use.
ALTER TABLE tokens ADD COLUMN use_count INTEGER CHECK (use_count IS NULL OR use_count >= 0);
ALTER TABLE tokens ADD COLUMN last_used TIMESTAMPTZ;
