"""Scenarios, one file per topic. Every module here is imported by `all_scenarios()`."""
