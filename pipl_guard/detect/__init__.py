"""pipl_guard.detect."""
