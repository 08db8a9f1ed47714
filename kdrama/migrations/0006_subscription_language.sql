-- The language a channel's notices are written in (issue 13): the `language` option of
-- /watch add, else the server's preferred locale when it ran. One of i18n.LANGUAGES; NULL
-- (subscriptions made before) reads English. Every subscription of a channel holds the same.
ALTER TABLE subscription ADD COLUMN language TEXT;
