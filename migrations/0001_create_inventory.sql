-- 0001_create_inventory: the token inventory, the rotation journal, runs and the append-only event log.
--
-- Timestamps: every instant is UTC text of one fixed width, 'YYYY-MM-DDTHH:MM:SS.SSSZ' (milliseconds, always 'Z'),
-- e.g. '2026-01-05T00:00:00.000Z'. Fixed width makes text comparison and ORDER BY agree with time order, SQLite's
-- date functions read it, and it stays readable in the sqlite3 shell. token-rotator reads back only this exact
-- form; when editing rows by hand, write it with strftime('%Y-%m-%dT%H:%M:%fZ', 'now').
--
-- This file is applied once, in one transaction, and recorded in grdb_migrations under its file stem.
-- Never edit it after release: add 0002_verb_noun.sql instead.

CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    controller   TEXT NOT NULL CHECK (controller <> ''),
    user         TEXT NOT NULL CHECK (user <> ''),
    name         TEXT NOT NULL CHECK (name <> ''),
    uuid         TEXT NOT NULL UNIQUE CHECK (uuid <> ''),
    created      TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'retiring', 'revoked')),
    -- First 12 hex digits of SHA-256 over the value; never the value itself.
    fingerprint  TEXT,
    -- The uuid of the successor; not a foreign key, so that forgetting the successor stays possible.
    replaced_by  TEXT,
    -- For a retiring token: the end of its grace period.
    revoke_after TEXT,
    revoked_at   TEXT,
    -- When this token was last replaced by a rotation.
    last_rotated TEXT,
    -- When the row entered the inventory (import, add, or a rotation minting it).
    added_at     TEXT NOT NULL,
    CHECK (state <> 'retiring' OR revoke_after IS NOT NULL),
    CHECK (state <> 'revoked' OR revoked_at IS NOT NULL)
);
-- Lookups by identity; also serves listings ordered by controller, user, name, created.
CREATE INDEX tokens_by_identity ON tokens (controller, user, name, created);
-- Lookups by state, and by revoke_after within a state (retiring tokens whose grace has passed).
CREATE INDEX tokens_by_state ON tokens (state, revoke_after);

-- One invocation of a command that changes things (rotate, issue, revoke).
CREATE TABLE runs (
    id        INTEGER PRIMARY KEY,
    started   TEXT NOT NULL,
    finished  TEXT,
    mode      TEXT NOT NULL,
    rotated   INTEGER NOT NULL DEFAULT 0 CHECK (rotated >= 0),
    failed    INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
    retired   INTEGER NOT NULL DEFAULT 0 CHECK (retired >= 0),
    skipped   INTEGER NOT NULL DEFAULT 0 CHECK (skipped >= 0),
    uncertain INTEGER NOT NULL DEFAULT 0 CHECK (uncertain >= 0),
    exit_code INTEGER,
    -- The --as-of instant the run evaluated with, when it was not the wall clock.
    as_of     TEXT
);
CREATE INDEX runs_by_started ON runs (started);

-- The rotation journal: one row per rotation, its step committed before each side effect (SPEC section 4).
CREATE TABLE rotations (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER REFERENCES runs (id),
    controller      TEXT NOT NULL,
    user            TEXT NOT NULL,
    -- The name of the token being replaced.
    name            TEXT NOT NULL,
    old_uuid        TEXT,
    -- The name the successor was (or is being) minted under: what to look for after a lost response.
    new_name        TEXT,
    new_uuid        TEXT,
    new_fingerprint TEXT,
    step            TEXT NOT NULL DEFAULT 'planned' CHECK (step IN (
                        'planned', 'generating', 'minted', 'delivered', 'verified',
                        'done', 'failed', 'rolled_back', 'uncertain')),
    outcome         TEXT CHECK (outcome IS NULL OR outcome IN (
                        'rotated', 'retired', 'failed', 'uncertain', 'in_progress', 'skipped')),
    started         TEXT NOT NULL,
    finished        TEXT,
    -- When the row last changed.
    updated         TEXT NOT NULL,
    error           TEXT
);
CREATE INDEX rotations_by_step ON rotations (step);
CREATE INDEX rotations_by_old_uuid ON rotations (old_uuid);
CREATE INDEX rotations_by_new_uuid ON rotations (new_uuid);
CREATE INDEX rotations_by_started ON rotations (started);

-- Append-only log of everything that happened. Never holds a secret.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    run_id      INTEGER REFERENCES runs (id),
    rotation_id INTEGER REFERENCES rotations (id),
    controller  TEXT,
    user        TEXT,
    name        TEXT,
    uuid        TEXT,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL
);
CREATE INDEX events_by_run ON events (run_id);
CREATE INDEX events_by_uuid ON events (uuid);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the events table is append-only: rows cannot be updated');
END;

CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the events table is append-only: rows cannot be deleted');
END;
