"""HTTP plumbing shared by every route module: sessions, guards, rendering, errors, headers."""
