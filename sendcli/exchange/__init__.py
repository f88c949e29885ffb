"""Exchange: what leaves the casebook for another person or body (export, encrypted packs)."""
