"""Allocations of one line come to at most 100%: a rule across rows, so a trigger.

PostgreSQL checks at commit (a deferred constraint trigger), so a transaction may move
percentages between sources. SQLite has no deferred triggers and checks each row; the
admin formset saves decreases before increases for that reason. SQLite keeps decimals as
floating point, hence the half-thousandth of slack (percentages have three places).
"""

from django.db import migrations

POSTGRES_CREATE = """
CREATE FUNCTION funding_allocation_total_check() RETURNS trigger AS $$
DECLARE total numeric;
BEGIN
    SELECT COALESCE(SUM(percent), 0) INTO total FROM funding_allocation
        WHERE line_id = NEW.line_id;
    IF total > 100 THEN
        -- No percent signs here: the driver reads them as placeholders.
        RAISE EXCEPTION USING
            MESSAGE = 'allocations of line ' || NEW.line_id || ' come to ' || total
                || ' per cent, more than 100 per cent',
            ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER funding_allocation_total
    AFTER INSERT OR UPDATE ON funding_allocation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funding_allocation_total_check();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS funding_allocation_total ON funding_allocation;
DROP FUNCTION IF EXISTS funding_allocation_total_check();
"""

SQLITE_CREATE = [
    """
    CREATE TRIGGER funding_allocation_total_insert BEFORE INSERT ON funding_allocation
    WHEN NEW.percent IS NOT NULL AND (
        SELECT COALESCE(SUM(percent), 0) FROM funding_allocation WHERE line_id = NEW.line_id
    ) + NEW.percent > 100.0005
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: allocations come to more than 100%'); END;
    """,
    """
    CREATE TRIGGER funding_allocation_total_update BEFORE UPDATE ON funding_allocation
    WHEN NEW.percent IS NOT NULL AND (
        SELECT COALESCE(SUM(percent), 0) FROM funding_allocation
        WHERE line_id = NEW.line_id AND id != OLD.id
    ) + NEW.percent > 100.0005
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: allocations come to more than 100%'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS funding_allocation_total_insert;",
    "DROP TRIGGER IF EXISTS funding_allocation_total_update;",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
