"""Reading the team's existing pipeline: spreadsheet and CSV files as rows of text."""
