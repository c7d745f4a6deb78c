"""Validation errors in the request's language: pydantic's error types rendered from the
catalogue (``validation.*``), English for a client that names no language (decision 0054)."""

from __future__ import annotations

import warnings
from typing import Annotated

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field, ValidationError

from lingtan.adapters.api import errors
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.i18n.validation import validation_message

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


class Site(BaseModel):
    code: Annotated[str, Field(min_length=2, max_length=8)]
    area_m2: Annotated[float, Field(ge=0)]
    floors: int = 1


def _app() -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.post("/sites")
    def create(site: Site) -> dict[str, str]:
        return {"code": site.code}

    return app


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "code: must have at least 2 character(s) (and 2 more)"),  # a program: English
        (
            {"Accept-Language": "de-DE,de;q=0.9"},
            "code: must have at least 2 character(s) (and 2 more)",
        ),
        ({"Accept-Language": "zh-CN,zh;q=0.9"}, "code：至少需要 2 个字符（另有 2 处错误）"),
    ],
)
def test_api_validation_error_in_the_request_language(
    headers: dict[str, str], message: str
) -> None:
    with TestClient(_app()) as client:
        r = client.post(
            "/sites", json={"code": "X", "area_m2": -1, "floors": "two"}, headers=headers
        )
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "invalid"
    assert body["field"] == "code"
    assert body["message"] == message


def test_missing_field_and_bound() -> None:
    with TestClient(_app()) as client:
        r = client.post("/sites", json={"area_m2": 5}, headers={"Accept-Language": "zh-CN"})
        assert r.json()["error"]["message"] == "code：必填"
        r = client.post("/sites?lang=zh-CN", json={"code": "AB", "area_m2": -1})
        assert r.json()["error"]["message"] == "area_m2：须大于或等于 0"


@pytest.mark.parametrize(
    ("data", "en", "zh"),
    [
        ({"code": "ABCDEFGHIJ", "area_m2": 1}, "code: must have at most 8 character(s)",
         "code：最多 8 个字符"),
        ({"code": "AB", "area_m2": "x"}, "area_m2: must be a number", "area_m2：须为数字"),
        ({"code": "AB", "area_m2": 1, "floors": 1.5}, "floors: must be a whole number",
         "floors：须为整数"),
    ],
)  # fmt: skip
def test_form_validation_messages(data: dict[str, object], en: str, zh: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Site.model_validate(data)
    assert validation_message(exc.value.errors(), Translator("en")) == (en, en.split(":")[0])
    assert validation_message(exc.value.errors(), Translator("zh-CN"))[0] == zh


def test_unknown_error_type_falls_back_to_the_catalogue() -> None:
    err = [{"type": "something_new", "loc": ("body", "x"), "msg": "English only", "ctx": {}}]
    assert validation_message(err, Translator("zh-CN")) == ("x：取值无效", "x")


def test_a_validator_s_own_message_is_kept() -> None:
    err = [{"type": "value_error", "loc": ("body", "unit"), "msg": "Value error, kWh or MWh",
            "ctx": {"error": ValueError("kWh or MWh")}}]  # fmt: skip
    assert validation_message(err, Translator("en"))[0] == "unit: kWh or MWh"
    assert validation_message(err, Translator("zh-CN"))[0] == "unit：取值无效（kWh or MWh）"
