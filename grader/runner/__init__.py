"""Runs learner and reference code away from the grader's process: jobs, the sandbox (bubblewrap), the
warm Linux worker and its children's confinement, and the portable runner for other systems."""
