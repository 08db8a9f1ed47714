-- The language of a follower's DMs: their Discord client's (interaction.locale) when they last
-- followed a show, by /follow add or a Notify me button. One of i18n.LANGUAGES; NULL (people who
-- followed before) reads English, as every DM did then.
ALTER TABLE follower ADD COLUMN language TEXT;
