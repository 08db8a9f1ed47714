-- TMDB shows the sync held for a curator: they may be a catalog show, but not surely enough to
-- link (kdrama/tmdb/identity.py). They are not errors: a run counts them apart (sync_run.held),
-- and each waits in /admin sync review until a curator links it or adds it, or a later run finds
-- the match sure. Every full or incremental run rewrites the open set; a link removes its row.
ALTER TABLE sync_run ADD COLUMN held INTEGER NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS sync_held (
    tmdb_id    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,            -- TMDB's name, as the run saw it
    year       INTEGER,                  -- of TMDB's first air date
    candidates TEXT NOT NULL,            -- JSON list of the catalog show ids it may be
    why        TEXT NOT NULL,            -- the reason, a message id (kdrama/tmdb/identity.py)
    why_params TEXT NOT NULL DEFAULT '{}',
    held_at    TEXT NOT NULL             -- ISO UTC of the first run that held it
);
