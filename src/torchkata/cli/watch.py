"""`kata watch`: re-check the current kata every time its file is saved (written in a later step)."""
