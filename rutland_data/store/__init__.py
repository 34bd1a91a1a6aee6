"""Layer 2, the store: the schema, connections and snapshots, the locked atomic build-then-swap and the
content digest."""
