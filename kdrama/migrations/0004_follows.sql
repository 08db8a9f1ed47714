-- Fans follow shows themselves and hear by direct message (/follow, the "Notify me" button).

-- A person who follows at least one show: their DM channel once opened (so a restart does not
-- open it again), and why their follows are paused (Discord said it can't message them).
CREATE TABLE follower (
    user_id       INTEGER PRIMARY KEY,
    dm_channel_id INTEGER,                  -- NULL until the first DM opens it
    created_at    TEXT NOT NULL,
    paused_reason TEXT,                     -- NULL: active
    paused_at     TEXT
);

CREATE TABLE follow (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES follower(user_id) ON DELETE CASCADE,
    show_id    INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    events     TEXT NOT NULL,               -- comma-separated Event values
    created_at TEXT NOT NULL,
    UNIQUE (user_id, show_id)
);
CREATE INDEX follow_show ON follow (show_id);

-- A DM is an outbox row like a channel post: user_id is the follower, guild_id 0 (DMs belong
-- to shard 0), and channel_id the follower's user id too, so UNIQUE (change_id, channel_id)
-- means one DM per (change, follower) and the engine sends to one person one at a time as it
-- does to a channel. The DM channel itself is looked up when the row is sent. Snowflakes never
-- repeat across users and channels, so a user id never names a channel's queue.
ALTER TABLE delivery ADD COLUMN user_id INTEGER;
CREATE INDEX delivery_user ON delivery (user_id) WHERE user_id IS NOT NULL;
