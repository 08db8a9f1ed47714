-- A delivery's id is its Discord nonce (`d<id>`), and Discord answers a repeated nonce with
-- the message it already has. Without AUTOINCREMENT, SQLite hands out again the highest id
-- once its row is deleted (/follow remove title:* deletes a fan's DM rows; pruning deletes
-- old ones), so the next notice could carry a nonce used minutes before and be taken for
-- that earlier message: never posted, yet recorded as sent. The table is rebuilt with
-- AUTOINCREMENT, every row, column, constraint and index kept as it was.

CREATE TABLE delivery_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
    user_id     INTEGER,                    -- a DM to this follower (channel_id is the user id too)
    UNIQUE (change_id, channel_id)
);

INSERT INTO delivery_new (id, change_id, guild_id, channel_id, role_ids, state, attempts, next_try_at,
                          last_error, message_id, created_at, sent_at, user_id)
SELECT id, change_id, guild_id, channel_id, role_ids, state, attempts, next_try_at,
       last_error, message_id, created_at, sent_at, user_id
FROM delivery;

DROP TABLE delivery;
ALTER TABLE delivery_new RENAME TO delivery;

CREATE INDEX delivery_due ON delivery (next_try_at) WHERE state = 'pending';
CREATE INDEX delivery_channel ON delivery (channel_id, state);
CREATE INDEX delivery_change ON delivery (change_id);
CREATE INDEX delivery_user ON delivery (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX delivery_pending ON delivery (channel_id, state) WHERE state = 'pending';

-- Ids already freed at the top before this upgrade (a fan forgotten just before it) are
-- skipped as well: the count starts a margin above the highest id kept, wider than the rows
-- a few minutes of news could have made and freed at the top (one person's DMs).
DELETE FROM sqlite_sequence WHERE name IN ('delivery', 'delivery_new');
INSERT INTO sqlite_sequence (name, seq) SELECT 'delivery', ifnull(max(id), 0) + 1000 FROM delivery;
