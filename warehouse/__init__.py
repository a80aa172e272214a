"""The DuckDB warehouse: schema, migrations, batch writes with dedupe, runs, reads and exports.

Imports nothing else of gleaner's."""
