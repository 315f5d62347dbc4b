# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The approval store in PostgreSQL (psycopg 3), for a store shared by several controllers.

The same tables, SQL and ``Transaction`` as the SQLite store (``approval_store.py``), in the schema
``hypercloud_approvals`` of the database the URL names:

* every writer opens a READ COMMITTED transaction and first takes ``SELECT ... FOR UPDATE`` on the
  one row of table ``head``. Writers therefore queue, and each one reads the request's history and the
  log's last hash only after the previous writer has committed, so no event is lost and the chain never
  forks (``prev_hash`` and ``hash`` are UNIQUE as well);
* triggers refuse UPDATE, DELETE and TRUNCATE on ``audit``;
* the first writer creates the schema, in a transaction of its own under an advisory lock, so
  concurrent first writers create it once; readers (check mode, info) never create anything: a
  database without the schema reads as empty;
* error messages show the URL with its password replaced by ``***``.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.approval_store import TABLES, Transaction
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError

try:
    import psycopg
    PSYCOPG_ERROR = None  # type: Any
except ImportError as exc:  # pragma: no cover - reported by the module with missing_required_lib
    psycopg = None
    PSYCOPG_ERROR = exc

SCHEMA_NAME = "hypercloud_approvals"
SCHEMA_VERSION = 1
# pg_advisory_xact_lock key of the schema creation: "hqap" in ASCII.
SCHEMA_LOCK = 0x68716170
SCHEMA = """
CREATE SCHEMA IF NOT EXISTS hypercloud_approvals;
SET LOCAL search_path TO hypercloud_approvals;
""" + TABLES.format(integer="BIGINT") + """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP; END$$;
CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1));
INSERT INTO head (id) VALUES (1) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS meta (schema_version INTEGER NOT NULL);
INSERT INTO meta (schema_version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM meta);
"""


def redact(url: str) -> str:
    """The URL (or libpq keyword string) with any password replaced by ``***``."""
    text = re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", r"\1***", url, flags=re.I)
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.password is None:
        return text
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc="%s:***@%s" % (user, netloc[1])))


class PostgresTransaction(Transaction):
    """``Transaction`` with psycopg's parameter mark."""

    placeholder = "%s"

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), rows)


class PostgresApprovalStore:
    """A PostgreSQL approval store at ``url``; ``timeout`` bounds the connection and the wait for the lock."""

    kind = "postgresql"

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        if PSYCOPG_ERROR is not None:
            raise AdapterError("the PostgreSQL approval store needs psycopg (psycopg 3): %s" % PSYCOPG_ERROR)
        self.url = url
        self.timeout = timeout

    @property
    def path(self) -> str:
        """Where the store is, safe to show: the URL without its password."""
        return redact(self.url)

    def _fail(self, what: str, err: BaseException) -> AdapterError:
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return AdapterError("approval store %s: %s: %s" % (self.path, what, message))

    def _has_schema(self, conn: Any) -> bool:
        # A scan of pg_class under the statement's snapshot, not to_regclass(): a name lookup without a
        # lock may use a backend's cached "no such relation" and miss a schema another writer just committed.
        row = conn.execute("SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                           "ON n.oid = c.relnamespace WHERE n.nspname = 'hypercloud_approvals' AND c.relname = 'meta'").fetchone()
        return bool(row[0]) and conn.execute(
            "SELECT schema_version FROM hypercloud_approvals.meta").fetchone() == (SCHEMA_VERSION,)

    def _ensure_schema(self, conn: Any) -> None:
        """Create the schema in a transaction of its own, one creator at a time (an advisory lock)."""
        if self._has_schema(conn):
            return
        conn.execute("BEGIN")
        conn.execute("SET LOCAL lock_timeout = %d" % int(self.timeout * 1000))
        conn.execute("SELECT pg_advisory_xact_lock(%d)" % SCHEMA_LOCK)
        if not self._has_schema(conn):
            conn.execute(SCHEMA)
        conn.execute("COMMIT")

    def _begin(self, conn: Any, write: bool) -> bool:
        """Open the transaction; for a writer, create the schema if needed and take the writers' lock."""
        if write:
            self._ensure_schema(conn)
            conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            conn.execute("SET LOCAL lock_timeout = %d" % int(self.timeout * 1000))
        else:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if not self._has_schema(conn):
                return False
        conn.execute("SET LOCAL search_path TO %s" % SCHEMA_NAME)
        if write:
            # Writers queue here; READ COMMITTED lets the next one see what the previous one committed.
            conn.execute("SELECT id FROM head WHERE id = 1 FOR UPDATE")
        return True

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Transaction]:
        """One transaction: the writers' lock and a commit on success for a writer, a snapshot otherwise."""
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, int(self.timeout)),
                                   application_name="hypercloud.builder approval store")
        except psycopg.Error as err:
            raise self._fail("cannot open", err) from err
        try:
            try:
                present = self._begin(conn, write)
            except psycopg.Error as err:
                raise self._fail("cannot open", err) from err
            yield PostgresTransaction(conn if present else None, write)
            conn.execute("COMMIT" if write else "ROLLBACK")
        except psycopg.Error as err:
            raise self._fail("write" if write else "read", err) from err
        finally:
            try:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")
            except psycopg.Error:  # the connection is closed just below either way
                pass
            conn.close()
