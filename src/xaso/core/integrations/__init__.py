# SPDX-License-Identifier: AGPL-3.0-or-later
"""Adapters to the systems a commune must use, each with a local fake, and the outbox that feeds them.

``outbox_enqueue(system=, kind=, key=, payload=)`` writes a delivery in the caller's transaction; it is
sent after commit, signed, and retried until the other system accepts it (see xaso.core.outbox).
"""
