"""`kata release` (written in a later step)."""
