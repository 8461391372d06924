"""Exports: one JSON document built from the store (`document`), and renderings of it
(PDF, XLSX, CSV, charts) that need nothing else, so any export can be remade from a
saved JSON export, and `verify` checks one from its ledger alone."""
