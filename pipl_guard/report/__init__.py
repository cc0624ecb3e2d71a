"""pipl_guard.report."""
