"""Roster loaders: keep the graph in sync with the organisation department's spreadsheets.

    from redengine.loaders import load_file, load_rosters, load_table, Table
    report = load_rosters(runner, ["links.csv", "units.xlsx"], as_of=date(2019, 4, 28), who="组织部")
    report.counts, report.part("links").examples, report.sync_ids
    report = load_table(runner, Table.of("demo units", headers, rows), kind="units")
"""

from redengine.loaders.sync import Part, SyncReport, history, load_file, load_rosters, load_table, load_tables
from redengine.loaders.table import Table

__all__ = ["Part", "SyncReport", "Table", "history", "load_file", "load_rosters", "load_table", "load_tables"]
