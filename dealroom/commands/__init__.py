"""Command-line sub-commands. Nothing here imports Textual (checked by import-linter)."""
