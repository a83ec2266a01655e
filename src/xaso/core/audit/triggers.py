# SPDX-License-Identifier: AGPL-3.0-or-later
"""The database triggers that make the audit table append-only (used by migration 0002).

PostgreSQL refuses UPDATE and DELETE. SQLite refuses UPDATE only: Django empties SQLite tables with
DELETE between transactional tests, and a removed event still breaks the chain, which
`xaso audit verify` reports. TRUNCATE is left to the database's privileges: run xaso under a role
that does not own the table (docs/decisions/0005-audit-trail.md).
"""

TABLE = "audit_auditevent"

INSTALL = {
    "sqlite": [
        f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$;",
        f"CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only();",
    ],
}
REMOVE = {
    "sqlite": ["DROP TRIGGER audit_no_update;"],
    "postgresql": [f"DROP TRIGGER audit_no_change ON {TABLE};", "DROP FUNCTION audit_append_only();"],
}


def run(connection, statements_by_vendor) -> None:
    with connection.cursor() as cursor:
        for sql in statements_by_vendor.get(connection.vendor, []):
            cursor.execute(sql)
