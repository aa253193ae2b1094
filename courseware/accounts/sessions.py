"""The session engine without REDIS_URL: Django's database sessions, read with one plain query.

Sessions stay in the database, as they were, so that logging out (which deletes the row) ends the
session in every process at once: a per-process cache in front of them (`cached_db` over the local
memory cache) would keep a logged-out session alive in the other processes. Only the read differs:
every signed-in request reads its session, and the ORM took ten times as long to build that query
as the database to answer it (about 200 us against 20 on SQLite; bench/pages.py).
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        session = self.model
        connection = connections[router.db_for_read(session)]
        quote = connection.ops.quote_name
        meta = session._meta
        sql = (
            f"SELECT {quote(meta.get_field('session_data').column)} FROM {quote(meta.db_table)}"
            f" WHERE {quote(meta.pk.column)} = %s AND {quote(meta.get_field('expire_date').column)} > %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:  # missing or expired: a new session, as Django's own engine does
            self._session_key = None
            return None
        return session(session_key=self.session_key, session_data=row[0])
