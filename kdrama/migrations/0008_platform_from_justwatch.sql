-- A show's platform can come from TMDB's watch providers, which are JustWatch's data and must
-- be credited to JustWatch where shown; the sync marks such a platform 'justwatch' (else 'tmdb',
-- TMDB's network). SQLite cannot change a CHECK in place: the table is rebuilt with the new one.

CREATE TABLE field_source_new (
    show_id INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('curator', 'tmdb', 'justwatch')),
    PRIMARY KEY (show_id, key)
) WITHOUT ROWID;

INSERT INTO field_source_new (show_id, key, source) SELECT show_id, key, source FROM field_source;

DROP TABLE field_source;

ALTER TABLE field_source_new RENAME TO field_source;
