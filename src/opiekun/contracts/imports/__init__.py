"""Importing customers from a spreadsheet (issue 17, item 8): organisations, their
contacts with e-mails and phones, and their contracts in force, from CSV or XLSX.
``reading`` turns a file into rows of text, ``checking`` finds every row's errors
without writing, ``actions`` writes a clean file in one transaction through the
existing actions."""
