"""TMDB (themoviedb.org API v3): client, typed parse, mapping to catalog terms, sync planner."""
