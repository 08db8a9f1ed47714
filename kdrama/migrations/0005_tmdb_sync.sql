-- The live catalog from TMDB: which catalog show is which TMDB show, who set each field
-- (so the sync never overwrites a curator), what TMDB disputes, and each sync run.

CREATE TABLE tmdb_link (
    show_id    INTEGER PRIMARY KEY REFERENCES show(id) ON DELETE CASCADE,
    tmdb_id    INTEGER NOT NULL UNIQUE,
    fetched_at TEXT                         -- ISO UTC of the last successful fetch
);

-- Provenance by sync field key (`show.title`, `season.2.release`, ...; see kdrama/tmdb/plan.py):
-- 'curator' fields are never written by the sync, 'tmdb' fields follow TMDB.
CREATE TABLE field_source (
    show_id INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('curator', 'tmdb')),
    PRIMARY KEY (show_id, key)
) WITHOUT ROWID;

-- Where TMDB disagrees with a curator's value: one row per (show, field), kept up to date.
CREATE TABLE sync_review (
    id          INTEGER PRIMARY KEY,
    show_id     INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    ours        TEXT,                       -- JSON, as the sync planner saw it (for display)
    theirs      TEXT NOT NULL,              -- JSON: TMDB's value, to apply on "Use TMDB's"
    summary     TEXT NOT NULL,              -- one line for the list
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'kept')),
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER,
    UNIQUE (show_id, key)
);
CREATE INDEX sync_review_open ON sync_review (state, id);

CREATE TABLE sync_run (
    id          INTEGER PRIMARY KEY,
    mode        TEXT NOT NULL CHECK (mode IN ('full', 'incremental', 'show')),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    ok          INTEGER NOT NULL DEFAULT 0, -- 1: finished; its start is the next incremental's since
    seen        INTEGER NOT NULL DEFAULT 0,
    added       INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    reviews     INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    error_text  TEXT NOT NULL DEFAULT '[]'  -- JSON list of the first errors, one line each
);
