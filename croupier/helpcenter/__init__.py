"""The public help centre of each brand (knowledge-base articles, search, contact options)."""
