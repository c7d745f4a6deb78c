"""The JSON API under ``/api/v1`` (FastAPI + Pydantic 2): thin routes over
:mod:`lingtan.adapters.services`, tenant scoping in :mod:`lingtan.adapters.store.scoping`."""
