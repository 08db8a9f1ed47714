-- The earlier official states and release dates of a season (catalog `status.history` and
-- `release.history`), oldest first, as JSON lists: what the current values replaced.
ALTER TABLE season ADD COLUMN status_history TEXT NOT NULL DEFAULT '[]';
ALTER TABLE season ADD COLUMN release_history TEXT NOT NULL DEFAULT '[]';
