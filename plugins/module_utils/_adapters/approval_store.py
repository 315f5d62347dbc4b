# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The approval store: provisioning requests and their append-only audit log, in SQLite.

Thin I/O only: the calculator (``_calc/approval.py``) plans the events and chains their hashes;
this adapter reads and writes rows. ``open_store`` picks this SQLite store (a path, the default)
or the PostgreSQL one (``approval_store_pg.py``, a URL); both hand out the same ``Transaction``.

* WAL journal and a busy timeout, so readers never block the writer and writers queue;
* one transaction per change, opened with ``BEGIN IMMEDIATE``: the write lock is taken before the
  request's history and the log's last hash are read, so concurrent writers cannot interleave,
  lose or fork events (``prev_hash`` is UNIQUE as well, as a last line of defence);
* the ``audit`` table is append-only: triggers refuse UPDATE and DELETE;
* ``requests`` is a projection of the log (each request's folded state), rewritten in the same
  transaction, for listing; the log stays the truth;
* a read-only store (check mode, info) never creates the file: a missing store reads as empty.

"""

from __future__ import annotations

import json
import os
import pathlib
import sqlite3
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.approval import chain_events, replay

DEFAULT_PATH = "~/.local/share/hypercloud/approvals.sqlite"
GENESIS = "0" * 64
SCHEMA_VERSION = 1
# The two tables, in SQL both SQLite and PostgreSQL read; {integer} is the dialect's integer type
# (SQLite's INTEGER PRIMARY KEY is the rowid). Each store adds its own append-only triggers.
TABLES = """
CREATE TABLE IF NOT EXISTS audit (
    seq        {integer} PRIMARY KEY,
    request_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    data       TEXT NOT NULL,
    prev_hash  TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS audit_request ON audit (request_id, seq);
CREATE TABLE IF NOT EXISTS requests (
    request_id TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    requester  TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_seq   {integer} NOT NULL,
    snapshot   TEXT NOT NULL
);
"""
SCHEMA = TABLES.format(integer="INTEGER") + """
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;
"""
COLUMNS = "seq, request_id, kind, actor, at, data, prev_hash, hash"


def _record(row: Sequence[Any]) -> Dict[str, Any]:
    seq, request_id, kind, actor, at, data, prev_hash, digest = row
    try:
        data = json.loads(data)
    except (TypeError, ValueError):
        # Changed behind the triggers: kept as the raw text, so the chain check names this record.
        data = {"unreadable_data": data}
    return dict(seq=seq, request_id=request_id, kind=kind, actor=actor, at=at, data=data,
                prev_hash=prev_hash, hash=digest)


def _dump(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Transaction:
    """Reads and writes inside one store transaction; with no connection, an empty store.

    The SQL is the same on SQLite and PostgreSQL; ``placeholder`` is the driver's parameter mark.
    """

    placeholder = "?"

    def __init__(self, conn: Any, write: bool) -> None:
        self.conn = conn
        self.write = write

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> List[Tuple[Any, ...]]:
        return [] if self.conn is None else self.conn.execute(self._sql(sql), tuple(args)).fetchall()

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(self._sql(sql), rows)

    def history(self, request_id: str) -> List[Dict[str, Any]]:
        """One request's records, oldest first."""
        return [_record(r) for r in self._rows("SELECT %s FROM audit WHERE request_id = ? ORDER BY seq" % COLUMNS, [request_id])]

    def records(self) -> List[Dict[str, Any]]:
        """The whole audit log, in seq order."""
        return [_record(r) for r in self._rows("SELECT %s FROM audit ORDER BY seq" % COLUMNS)]

    def tail(self) -> Tuple[str, int]:
        """The last record's hash and the next seq (the genesis hash and 1 on an empty log)."""
        rows = self._rows("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return (rows[0][1], rows[0][0] + 1) if rows else (GENESIS, 1)

    def requests(self, request_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """The projection: each request's folded state, by request id."""
        sql, args = "SELECT snapshot FROM requests", []  # type: Tuple[str, List[Any]]
        if request_id is not None:
            sql, args = sql + " WHERE request_id = ?", [request_id]
        return [json.loads(r[0]) for r in self._rows(sql + " ORDER BY request_id", args)]

    def append(self, records: Sequence[Mapping[str, Any]], snapshot: Mapping[str, Any]) -> None:
        """Append chained records and rewrite the request's projection."""
        if self.conn is None or not self.write:
            raise AdapterError("approval store: append in a read-only transaction")
        self._many(
            "INSERT INTO audit (%s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" % COLUMNS,
            [(r["seq"], r["request_id"], r["kind"], r["actor"], r["at"], _dump(r["data"]), r["prev_hash"], r["hash"])
             for r in records])
        last = records[-1]
        self._many(
            "INSERT INTO requests (request_id, state, requester, updated_at, last_seq, snapshot) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (request_id) DO UPDATE SET state = excluded.state, requester = excluded.requester, "
            "updated_at = excluded.updated_at, last_seq = excluded.last_seq, snapshot = excluded.snapshot",
            [(snapshot["request_id"], snapshot["state"], snapshot["requester"], last["at"], last["seq"], _dump(snapshot))])


class ApprovalStore:
    """An SQLite approval store at ``path``; ``timeout`` is how long a writer waits for the lock."""

    kind = "sqlite"

    def __init__(self, path: str = DEFAULT_PATH, timeout: float = 30.0) -> None:
        self.path = os.path.abspath(os.path.expanduser(path))
        self.timeout = timeout

    def _fail(self, what: str, err: BaseException) -> AdapterError:
        return AdapterError("approval store %s: %s: %s" % (self.path, what, err))

    def _connect(self, write: bool) -> Optional[sqlite3.Connection]:
        if not write:
            if not os.path.exists(self.path):
                return None
            # As a URI (read-only mode), with the path percent-encoded: '#' or '?' in it would end the path.
            conn = sqlite3.connect(pathlib.Path(self.path).as_uri() + "?mode=ro", uri=True, timeout=self.timeout,
                                   isolation_level=None)
        else:
            directory = os.path.dirname(self.path)
            if not os.path.isdir(directory):
                os.makedirs(directory, mode=0o700)
            fresh = not os.path.exists(self.path)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            if fresh:
                os.chmod(self.path, 0o600)
            conn.execute("PRAGMA busy_timeout = %d" % int(self.timeout * 1000))
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                # One script, so the schema is created under the write lock (executescript commits first).
                conn.executescript("BEGIN IMMEDIATE;%sPRAGMA user_version = %d;COMMIT;" % (SCHEMA, SCHEMA_VERSION))
        conn.execute("PRAGMA busy_timeout = %d" % int(self.timeout * 1000))
        return conn

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Transaction]:
        """One transaction: ``BEGIN IMMEDIATE`` for a writer (committed on success), a snapshot read otherwise."""
        try:
            conn = self._connect(write)
        except (sqlite3.Error, OSError) as err:
            raise self._fail("cannot open", err) from err
        try:
            if conn is not None:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield Transaction(conn, write)
            if conn is not None:
                conn.execute("COMMIT" if write else "ROLLBACK")
        except sqlite3.Error as err:
            raise self._fail("write" if write else "read", err) from err
        finally:
            if conn is not None:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.close()


def open_store(path: str = DEFAULT_PATH, url: Optional[str] = None, timeout: float = 30.0) -> Any:
    """The store a module names: PostgreSQL when ``url`` is given, else SQLite at ``path``."""
    if url:
        # Imported here: the SQLite store (the default) must not need psycopg.
        from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.approval_store_pg import PostgresApprovalStore
        return PostgresApprovalStore(url, timeout=timeout)
    return ApprovalStore(path, timeout=timeout)


def plan_and_append(tx: Any, request_id: str, plan: Callable[[List[Dict[str, Any]]], List[Dict[str, Any]]],
                    apply: bool = True) -> Tuple[Any, Any, List[Dict[str, Any]]]:
    """One change, inside one transaction: read the request's history, plan its events from it, chain them
    onto the log's tail and, when ``apply``, append them with the request's new state.

    Returns the request's state before and after (``replay``; None for an unknown request) and the records.
    """
    history = tx.history(request_id)
    events = plan(history)
    records = chain_events(*tx.tail(), events)
    before, after = replay(request_id, history), replay(request_id, history + records)
    if records and apply:
        tx.append(records, after.to_dict())
    return before, after, records
