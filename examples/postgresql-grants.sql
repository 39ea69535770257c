-- The least a token-rotator role needs on a PostgreSQL inventory (docs/deployment.md): run these as the role that
-- owns the schema, after its first `token-rotator` run created it (the owner applies migrations; the rotator only
-- reads and writes rows). Also needed, and granted to PUBLIC by default: CONNECT on the database, USAGE on the schema.
--
-- The event log stays append-only for this role twice over: no UPDATE or DELETE grant, and the trigger.
GRANT SELECT, INSERT, UPDATE, DELETE ON tokens TO token_rotator;
GRANT SELECT, INSERT, UPDATE ON rotations, runs, token_claims TO token_rotator;
GRANT SELECT, INSERT ON events TO token_rotator;
GRANT SELECT ON schema_migrations TO token_rotator;
