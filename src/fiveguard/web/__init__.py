"""The web application: a JSON API under ``/api/v1`` and server-rendered pages, both
through the record's one access policy (:mod:`fiveguard.store.access`).

Start it with ``fiveguard serve``; build it in tests with :func:`fiveguard.web.app.create_app`.
"""
