"""The lab backend process: moto, the per-account sockets learner code calls through, and the
rules that keep every emulated account to itself (tenancy, limits, quotas)."""
