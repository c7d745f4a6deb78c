"""The receiving side of the partners' push without a server (decision 0090): the signed message,
the signature check, the body's shape, the per-partner token bucket taking one token per event,
and the write-ahead file's awaitable append surviving a reopen."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lingtan.adapters.io.inclusion_wal import PushWal, Topic
from lingtan.adapters.services.inclusion_push import (
    EventBuckets,
    PushRefusedError,
    parse_events,
    sign,
    signature_ok,
    signed_message,
)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    assert signed_message("1796342400", b'{"a":1}') == b'1796342400.{"a":1}'
    # computed with openssl: printf '100.body' | openssl dgst -sha256 -hmac s3cret
    assert sign("s3cret", "100", b"body") == (
        "sha256=60479d96680242862cd795d62354be4f0e287739b9f2ac57c49d78bb2d216c4c"
    )
    good = sign("s3cret", "100", b"body")
    assert signature_ok("s3cret", "100", b"body", good)
    assert not signature_ok("s3cret", "101", b"body", good)  # another timestamp
    assert not signature_ok("s3cret", "100", b"bodY", good)  # another body
    assert not signature_ok("other", "100", b"body", good)
    assert not signature_ok("s3cret", "100", b"body", good.removeprefix("sha256="))
    assert not signature_ok("s3cret", "100", b"body", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "body"),
        (b"[1, 2]", "body"),
        (b'{"events": []}', "events"),
        (b'{"events": [{"external_id": "a"}, 3]}', "events[1]"),
        (b'{"events": [{"external_id": "a"}, {"external_id": ""}]}', "events[1].external_id"),
        (b'{"account": "m-1"}', "external_id"),
        (b'{"external_id": "' + b"x" * 101 + b'"}', "external_id"),
    ],
)
def test_a_malformed_body_is_refused_naming_the_field(body: bytes, field: str) -> None:
    with pytest.raises(PushRefusedError) as exc:
        parse_events(body)
    assert (exc.value.status, exc.value.field) == (422, field)


def test_one_event_or_a_batch() -> None:
    assert parse_events(b'{"external_id": "a"}') == [{"external_id": "a"}]
    batch = parse_events(b'{"events": [{"external_id": "a"}, {"external_id": "b"}]}')
    assert [e["external_id"] for e in batch] == ["a", "b"]
    many = b'{"events": [' + b",".join([b'{"external_id": "a"}'] * 1001) + b"]}"
    with pytest.raises(PushRefusedError, match="too_many"):
        parse_events(many)


def test_the_bucket_takes_one_token_per_event_and_refills_at_the_rate() -> None:
    now = [0.0]
    buckets = EventBuckets(clock=lambda: now[0])
    key = (1, "zz")
    # rate 2 events/s, burst 5: a batch of 4 passes, leaving 1 token
    assert buckets.take(key, 4, 2.0, 5) == 0.0
    # 3 more need 2 tokens more: (3 − 1) / 2 = 1.0 s
    assert buckets.take(key, 3, 2.0, 5) == pytest.approx(1.0)
    now[0] = 1.0  # 1 + 1 s × 2 = 3 tokens
    assert buckets.take(key, 3, 2.0, 5) == 0.0
    # a body larger than the burst waits for a full bucket, not for ever: (5 − 0) / 2 = 2.5 s
    assert buckets.take(key, 50, 2.0, 5) == pytest.approx(2.5)
    assert buckets.take((2, "zz"), 1, 2.0, 5) == 0.0  # another organisation's bucket


def test_an_appended_body_is_durable_when_its_future_resolves(tmp_path: Path) -> None:
    topic = Topic(7, "staff", "zz")

    async def append_two(wal: PushWal) -> None:
        await asyncio.gather(wal.append(topic, b'{"n":1}'), wal.append(topic, b'{"n":2}'))

    wal = PushWal(tmp_path)
    asyncio.run(append_two(wal))
    # a second process cannot take the same folder while this one holds it
    other = PushWal(tmp_path)
    assert other.folder != wal.folder
    other.close()
    other.release()
    wal.close()  # not truncated: as if the process died before settling
    wal.release()
    again = PushWal(tmp_path)
    records = again.leftovers().records
    assert [(Topic.parse(r.topic), r.payload) for r in records] == [
        (topic, b'{"n":1}'),
        (topic, b'{"n":2}'),
    ]
    again.close()
    again.release()
