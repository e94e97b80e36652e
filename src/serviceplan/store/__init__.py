"""How serviceplan's events reach a store: transcodings and the default persistence settings."""
