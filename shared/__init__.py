"""CineWeave domain and adapters, shared by every function."""
