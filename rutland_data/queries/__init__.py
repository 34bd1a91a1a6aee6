"""Layer 5, queries: named, parameterised SQL over the store, one module per thing served; each returns a
DataFrame or plain values."""
