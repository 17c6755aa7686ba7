"""Status reports for chat, mail and wikis. Never imports Textual."""
