"""Reports for people and programs: terminal tables, the HTML report, CSV and JSON output."""
