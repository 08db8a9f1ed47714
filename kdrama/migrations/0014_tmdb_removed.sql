-- TMDB shows a curator took out of the catalog (removed it, or undid the sync's import of it).
-- The sync does not add them again; undoing the removal, or a curator linking or adding the
-- show with /admin sync show, lifts it. tmdb_link and field_source go with the show, so the
-- removal's recorded snapshot keeps them for undo.
-- IF NOT EXISTS: re-running the later migrations (as upgrade tests do) must not fail here.
CREATE TABLE IF NOT EXISTS tmdb_removed (
    tmdb_id    INTEGER PRIMARY KEY,
    removed_at TEXT NOT NULL
);
