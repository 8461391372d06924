"""The theme team's work: filing ideas into themes (pure), the engine that suggests where
they belong (pure, numpy), and the jobs that run it in the worker pool."""
