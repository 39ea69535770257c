-- 0002_index_active_tokens_by_age: lets the planner walk active tokens oldest first and stop early once the
-- run limit (limits.max_rotations / --max) is filled, instead of reading every token twice.
CREATE INDEX tokens_active_by_created ON tokens (created, id) WHERE state = 'active';
