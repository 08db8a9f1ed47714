-- The catalog, the change log, subscriptions and the delivery outbox.
-- Dates are ISO text; moments are unix seconds (REAL) in UTC.

CREATE TABLE show (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    korean_title    TEXT,
    romanized_title TEXT,
    country         TEXT,
    platform        TEXT,
    platform_url    TEXT,
    genres          TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    synopsis        TEXT,
    poster_url      TEXT
);

CREATE TABLE show_alias (
    show_id  INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    alias    TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (show_id, alias)
) WITHOUT ROWID;

CREATE TABLE show_similar (
    show_id    INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    similar_id INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (show_id, similar_id)
) WITHOUT ROWID;

CREATE TABLE season (
    id                INTEGER PRIMARY KEY,
    show_id           INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    number            INTEGER NOT NULL CHECK (number >= 1),
    episodes          INTEGER CHECK (episodes IS NULL OR episodes >= 0),
    notes             TEXT,
    -- the official status, with its own source and as-of
    status            TEXT NOT NULL DEFAULT 'unconfirmed' CHECK (status IN
                      ('unconfirmed', 'renewed', 'filming', 'post_production', 'scheduled',
                       'airing', 'released', 'cancelled')),
    status_source     TEXT,
    status_as_of      TEXT,
    status_note       TEXT,
    -- the release date, a separate fact: precision, official or expected, source, as-of
    release_date      TEXT NOT NULL DEFAULT 'unknown',   -- PartialDate.canonical()
    release_precision TEXT NOT NULL DEFAULT 'unknown' CHECK (release_precision IN
                      ('unknown', 'year', 'quarter', 'month', 'day', 'exact')),
    release_at        REAL,     -- start of the date's span, unix seconds; NULL when unknown
    release_official  INTEGER NOT NULL DEFAULT 0 CHECK (release_official IN (0, 1)),
    release_source    TEXT,
    release_as_of     TEXT,
    release_note      TEXT,
    UNIQUE (show_id, number)
);
CREATE INDEX season_release_at ON season (release_at) WHERE release_at IS NOT NULL;

CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    korean_name TEXT
);
CREATE UNIQUE INDEX person_identity ON person (name, ifnull(korean_name, ''));

CREATE TABLE credit (
    id            INTEGER PRIMARY KEY,
    show_id       INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    season_number INTEGER,                 -- NULL: the whole show
    person_id     INTEGER NOT NULL REFERENCES person(id),
    character     TEXT,
    billing       INTEGER,
    official      INTEGER NOT NULL DEFAULT 1 CHECK (official IN (0, 1)),
    source        TEXT
);
CREATE UNIQUE INDEX credit_identity ON credit (show_id, ifnull(season_number, 0), person_id);
CREATE INDEX credit_person ON credit (person_id);

CREATE TABLE trailer (
    id            INTEGER PRIMARY KEY,
    show_id       INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    season_number INTEGER NOT NULL,
    title         TEXT,
    url           TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT 'trailer' CHECK (kind IN ('teaser', 'trailer')),
    published     TEXT,
    UNIQUE (show_id, season_number, url)
);

-- Every edit, append-only. One row per edit; its field changes in change_item.
CREATE TABLE change (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,            -- ISO UTC
    actor_id      INTEGER,                  -- Discord user id; NULL for the bot itself
    actor_name    TEXT NOT NULL,
    show_id       INTEGER,                  -- no foreign key: history outlives the show
    show_slug     TEXT,
    show_title    TEXT,
    season_number INTEGER,
    action        TEXT NOT NULL,            -- e.g. season.status, show.add, import
    source        TEXT,
    events        TEXT NOT NULL DEFAULT '', -- comma-separated Event values it notifies
    undo_of       INTEGER REFERENCES change(id)
);
CREATE INDEX change_show ON change (show_id, id);

CREATE TABLE change_item (
    id        INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES change(id),
    entity    TEXT NOT NULL,
    key       TEXT NOT NULL,
    field     TEXT NOT NULL,
    old       TEXT,                         -- JSON
    new       TEXT                          -- JSON
);
CREATE INDEX change_item_change ON change_item (change_id);
CREATE INDEX change_item_field ON change_item (entity, key, field, change_id);

CREATE TABLE curator (
    user_id  INTEGER PRIMARY KEY,
    added_by INTEGER,
    added_at TEXT NOT NULL
);

-- Channel subscriptions: a show, or every show (show_id NULL).
CREATE TABLE subscription (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    show_id       INTEGER REFERENCES show(id) ON DELETE CASCADE,
    events        TEXT NOT NULL,            -- comma-separated Event values
    role_id       INTEGER,
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    paused_reason TEXT,                     -- NULL: active
    paused_at     TEXT
);
CREATE UNIQUE INDEX subscription_identity ON subscription (channel_id, ifnull(show_id, 0));
CREATE INDEX subscription_show ON subscription (show_id);
CREATE INDEX subscription_guild ON subscription (guild_id);

-- The outbox: one row per (change, channel), written in the change's transaction.
CREATE TABLE delivery (
    id          INTEGER PRIMARY KEY,
    change_id   INTEGER NOT NULL REFERENCES change(id),
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    role_ids    TEXT NOT NULL DEFAULT '[]', -- JSON: roles its subscriptions chose to ping
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'paused', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at REAL NOT NULL DEFAULT 0,
    last_error  TEXT,
    message_id  INTEGER,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (change_id, channel_id)
);
CREATE INDEX delivery_due ON delivery (next_try_at) WHERE state = 'pending';

-- Small key/value facts the bot keeps about itself (e.g. the synced command tree's hash).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
