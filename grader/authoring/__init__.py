"""Maintainers' tools: generating the derived files, the public expected results, measured numbers, the
corpus self-test and mutation testing. Left out of the learner bundle."""
