"""Running crawls: the runner, re-extraction, the run's record and progress, shutdown on signals, per-site locks."""
