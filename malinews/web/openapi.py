"""The OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any


def _param(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": {"type": kind}}


_FILTERS = [
    _param("site", "only articles of this site"),
    _param("rule", "only stories that hit this alert rule"),
]
_SINCE = _param("since", "stored at or after: an ISO date/time, or a duration ago (24h, 7d)")
_OK_JSON = {"description": "OK", "content": {"application/json": {}}}
_NOT_MODIFIED = {"description": "Not modified (If-None-Match matched the ETag)"}
_BAD = {"description": 'A bad parameter, as {"error": one line}'}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "malinews",
        "version": "1",
        "description": (
            "Read-only API of a malinews store. Every list and feed has an ETag and honours "
            "If-None-Match; responses are gzip-compressed when asked. When [serve] token_env is "
            "set, send `Authorization: Bearer TOKEN` (all but /healthz)."
        ),
    },
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/api/articles": {
            "get": {
                "summary": "Article records as in articles.jsonl (every revision), in the order "
                "they were stored; poll with the returned next_cursor to get only what is new.",
                "parameters": [
                    _param("q", 'full-text search (words; "quoted phrases")'),
                    *_FILTERS,
                    _SINCE,
                    _param("cursor", "next_cursor of the previous answer (opaque)"),
                    _param("limit", "records per answer, 1-500 (default 100)", "integer"),
                ],
                "responses": {"200": _OK_JSON, "304": _NOT_MODIFIED, "400": _BAD},
            }
        },
        "/api/stories/{story_id}": {
            "get": {
                "summary": "A story: its copies, their records, rules hit and revision changes.",
                "parameters": [
                    {
                        "name": "story_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"200": _OK_JSON, "304": _NOT_MODIFIED, "404": _BAD},
            }
        },
        "/api/alerts": {
            "get": {
                "summary": "Alerts, newest first, with each channel's delivery state.",
                "parameters": [
                    _param("rule", "only this rule"),
                    _param("since", "recorded at or after (ISO date/time, or 24h, 7d)"),
                    _param("limit", "at most this many, 1-500 (default 100)", "integer"),
                ],
                "responses": {"200": _OK_JSON, "304": _NOT_MODIFIED, "400": _BAD},
            }
        },
        "/feed.json": {
            "get": {
                "summary": "JSON Feed 1.1 of the latest stories, newest first.",
                "parameters": _FILTERS,
                "responses": {
                    "200": {"description": "OK", "content": {"application/feed+json": {}}},
                    "304": _NOT_MODIFIED,
                },
            }
        },
        "/feed.atom": {
            "get": {
                "summary": "The same items as Atom 1.0.",
                "parameters": _FILTERS,
                "responses": {
                    "200": {"description": "OK", "content": {"application/atom+xml": {}}},
                    "304": _NOT_MODIFIED,
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "The store can be read (no token needed).",
                "security": [],
                "responses": {"200": _OK_JSON},
            }
        },
        "/api/openapi.json": {"get": {"summary": "This document.", "responses": {"200": _OK_JSON}}},
    },
    "security": [{"bearer": []}],
}
