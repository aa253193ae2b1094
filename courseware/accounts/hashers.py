"""Password hashing: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Django's default (PBKDF2, 1,000,000 iterations) costs 0.6 s of CPU per login on our 2-core
machines: a class of 100 signing in at once queued for half a minute (bench/load.py). Argon2id
at these settings costs about 40 ms and, being memory-hard, resists GPU guessing better than
PBKDF2 does. Source: OWASP Password Storage Cheat Sheet, "Argon2id" (m=19 MiB, t=2, p=1).
Existing PBKDF2 hashes still verify and are re-hashed with this on the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
