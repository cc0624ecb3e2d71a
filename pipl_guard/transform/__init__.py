"""pipl_guard.transform."""
