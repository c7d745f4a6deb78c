"""The methodology pack files (decision 0087): every shipped pack reads, every default pack the
action catalogue names exists (plus the Shenzhen public-transport pack), every parameter is
sourced, and a bad file is refused naming the file, the field and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.io.inclusion_packs import (
    PackFileError,
    parse_pack_text,
    read_pack_file,
    shipped_packs,
)
from lingtan.modules.inclusion.actions import ACTIONS


def test_every_default_pack_is_shipped_and_sourced() -> None:
    packs = {p.id: p for p in shipped_packs()}
    defaults = {a.default_pack for a in ACTIONS.values() if a.default_pack}
    assert defaults <= set(packs)
    assert "shenzhen.public-transport" in packs
    sz = packs["shenzhen.public-transport"]
    assert (sz.label, sz.region, sz.formula) == ("official", "CN-GD/Shenzhen", "travel.net_factor")
    for p in packs.values():
        for a in p.actions:  # a pack covers only its actions' catalogue defaults or regions
            assert a in ACTIONS
        for x in p.parameters:
            assert all((x.source, x.citation, x.licence)), (p.id, x.name)
            if x.confidence == "derived":
                assert x.derivation, (p.id, x.name)
        assert len(p.digest) == 64
    # each default pack covers every action naming it
    for a in ACTIONS.values():
        if a.default_pack:
            assert a.code in packs[a.default_pack].actions


def test_a_bad_file_names_file_field_reason(tmp_path: Path) -> None:
    with pytest.raises(PackFileError) as exc:
        parse_pack_text("id: [unclosed\n", "mine.yaml")
    assert exc.value.file == "mine.yaml"
    assert exc.value.message.params["reason"].key == "incl_meth.err.yaml"  # type: ignore[union-attr]
    path = tmp_path / "pack.yaml"
    path.write_text("id: x\nformula: travel.net_factor\nlabel: official\n", encoding="utf-8")
    with pytest.raises(PackFileError) as exc:
        read_pack_file(path)
    assert (exc.value.file, exc.value.field) == ("pack.yaml", "actions")
    assert "pack.yaml" in str(exc.value)
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PackFileError) as exc:
        read_pack_file(path)
    assert exc.value.field == "file"
    with pytest.raises(PackFileError):
        parse_pack_text("x" * (300 * 1024), "huge.yaml")
