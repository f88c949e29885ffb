"""The store: the casebook's files on disk and in git (here: destruction at the end of retention)."""
