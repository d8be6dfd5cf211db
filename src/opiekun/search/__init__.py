"""Searching tickets: everything an agent may see (subject, reference, messages, notes,
customer and contact names), ranked, the same on PostgreSQL (full text, GIN index) and
SQLite (FTS5). Above tickets: it reads them and is told of changes by their signals."""
