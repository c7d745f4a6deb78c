"""The write-ahead file of the MQTT listener (decision 0072): a message is acknowledged only
after its bytes are fsynced; replay finds every committed record and stops at a torn tail."""

from __future__ import annotations

import threading
from pathlib import Path

from lingtan.adapters.io import reading_wal
from lingtan.adapters.io.reading_wal import (
    ReadingWal,
    WalRecord,
    encode,
    read_segment,
    read_segments,
    segment_paths,
)


def test_a_record_round_trips_with_its_topic_payload_and_time(tmp_path: Path) -> None:
    rec = WalRecord(1_700_000_000.25, "plant/HF/meter/M1", b'{"v": 1.5}')
    path = tmp_path / "seg-000000000001.wal"
    path.write_bytes(encode(rec) + encode(WalRecord(1.0, "t/中文", b"")))
    found = read_segment(path)
    assert found.records == [rec, WalRecord(1.0, "t/中文", b"")]
    assert found.torn_bytes == 0


def test_a_torn_or_corrupt_tail_ends_the_replay_and_is_counted(tmp_path: Path) -> None:
    good = encode(WalRecord(1.0, "a", b"x" * 10))
    torn = encode(WalRecord(2.0, "b", b"y" * 10))[:-3]  # a crash mid-write
    path = tmp_path / "seg-000000000001.wal"
    path.write_bytes(good + torn)
    found = read_segment(path)
    assert [r.topic for r in found.records] == ["a"]
    assert found.torn_bytes == len(torn)
    flipped = bytearray(good + good)
    flipped[-1] ^= 0xFF  # the second record's CRC no longer matches
    path.write_bytes(bytes(flipped))
    assert len(read_segment(path).records) == 1


def test_tokens_are_acknowledged_only_after_the_fsync_in_append_order(tmp_path: Path) -> None:
    synced: list[int] = []  # bytes on disk at each fsync
    acked: list[tuple[int, list[int]]] = []  # (synced calls so far, tokens)
    real_sync = reading_wal._sync

    def spy_sync(fd: int) -> None:
        real_sync(fd)
        synced.append(fd)

    reading_wal._sync = spy_sync  # type: ignore[assignment]
    try:
        done = threading.Event()

        def on_durable(tokens: list[int]) -> None:
            acked.append((len(synced), tokens))
            if sum(len(t) for _, t in acked) == 500:
                done.set()

        wal = ReadingWal(tmp_path / "wal", on_durable)
        for i in range(1, 501):
            wal.append("m", str(i).encode(), i)
        assert done.wait(30)
        sealed = wal.close()
    finally:
        reading_wal._sync = real_sync  # type: ignore[assignment]
    tokens = [t for _, group in acked for t in group]
    assert tokens == list(range(1, 501))
    # every group was acknowledged after at least one more fsync than the group before it
    assert all(n >= i + 1 for i, (n, _) in enumerate(acked))
    assert len(acked) <= 500  # grouped: usually far fewer commits than records
    assert [r.payload for r in sealed.records] == [str(i).encode() for i in range(1, 501)]
    # what was acknowledged is on disk
    again, torn = read_segments(tmp_path / "wal")
    assert len(again.records) == 500
    assert torn == 0


def test_rotation_seals_a_segment_truncate_deletes_it_and_numbers_go_on(tmp_path: Path) -> None:
    done = threading.Semaphore(0)
    folder = tmp_path / "wal"
    wal = ReadingWal(folder, lambda tokens: [done.release() for _ in tokens])
    wal.append("a", b"1", 1)
    assert done.acquire(timeout=30)
    first = wal.rotate()
    assert [r.payload for r in first.records] == [b"1"]
    wal.append("a", b"2", 2)
    assert done.acquire(timeout=30)
    wal.truncate(first.paths)
    assert not first.paths[0].exists()
    last = wal.close()
    assert [r.payload for r in last.records] == [b"2"]
    # a new writer on the same folder (a restart) numbers its segment after the old ones
    restarted = ReadingWal(folder, lambda tokens: None)
    restarted.close()
    names = [p.name for p in segment_paths(folder)]
    assert names == sorted(names)
    assert len(names) == 2
    replay, _ = read_segments(folder)
    assert [r.payload for r in replay.records] == [b"2"]
