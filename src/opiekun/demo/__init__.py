"""The demo: its records and the quick-start commands (`opiekun demo`, `opiekun serve`).

It sits above every app, so it may use all of them; no app imports it.
"""
