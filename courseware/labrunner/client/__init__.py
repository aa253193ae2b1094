"""The site's side of the wire to the lab backend (or LocalStack), on the host.

boto3 clients pinned to one learner's account (`aws`), an Invoke's answer read with the
sandbox's exact figures (`invocation`), and a learner's API called as the internet would call it,
with whatever credentials the caller needs (`api`, `callers`). The headers the lab backend and
the site agree on are defined here; the emulator imports them from here.
"""
