"""The shared record: organisations, people and their roles, model snapshots,
assessment runs, evidence and exchange envelopes, kept in a database (SQLite by
default, PostgreSQL by URL) with one access policy and a hash-chained audit log.

Every use-case function here takes the acting :class:`~fiveguard.store.principal.Principal`
and a session of one transaction, decides through :mod:`fiveguard.store.access`, and
appends what it wrote (or read, for AMBER-or-stricter content) to the audit log. The
caller, the command line or the web app, opens the transaction and commits it.
"""
