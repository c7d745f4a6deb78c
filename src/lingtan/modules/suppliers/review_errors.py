"""The error of supplier reviews (scorecards, ratings, corrective action plans, audits;
decision 0064): a catalogue key (``supplier_reviews.err.*``) and its parameters, so that every
surface says it in the user's language (decision 0053)."""

from __future__ import annotations

from lingtan.core.messages import Param


class ReviewError(ValueError):
    """An invalid scorecard definition, rating, plan or audit input: ``key`` (catalogue key)
    and ``params``; ``str()`` gives the key and parameters for logs."""

    def __init__(self, key: str, **params: Param) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params: dict[str, Param] = dict(params)
