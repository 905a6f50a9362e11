"""Claim frames, one test file per kind of detail."""
