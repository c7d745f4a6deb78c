"""Supplier engagement (issue 15): the supplier register and its onboarding checklist, and —
in their own modules, by their own authors — scorecards, ratings, audits, climate data requests,
coverage, supplier projects and training.

Pure domain logic: no file, no connection. This package imports none of its modules, so that
each capability loads only what it uses; import the module you need
(:mod:`.register`, :mod:`.onboarding`, :mod:`.errors` …).
"""
