"""A local stand-in for TMDB's API v3, for tests and benchmarks."""
