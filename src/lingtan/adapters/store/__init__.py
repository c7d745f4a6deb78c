"""Persistence: the workspace folder, its configuration and its embedded relational store."""
