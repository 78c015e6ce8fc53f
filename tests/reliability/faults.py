"""The faults of the matrix, as emulator fault fields, and what a message must name."""

from __future__ import annotations

import json

HTML = "<html><head><title>%s</title></head><body><h1>%s</h1><hr>nginx</body></html>"


def envelope(status, message):
    return json.dumps(
        {
            "error": {"message": message, "type": None, "stack": None, "hresult": 0},
            "status": 1,
            "statusCode": status,
        }
    )


def html(status, text):
    return {"status": status, "body": HTML % (text, text), "content_type": "text/html"}


def json_answer(status, body):
    return {"status": status, "body": body, "content_type": "application/json; charset=utf-8"}


# name -> (fault fields, words of which the failure message must contain one)
FAULTS = {
    "401": (json_answer(401, envelope(401, "The session has expired")), ["401"]),
    "403-body": (json_answer(403, envelope(403, "Access denied")), ["403"]),
    "403-empty": ({"status": 403, "body": ""}, ["403"]),
    "404-html": (html(404, "404 Not Found"), ["404"]),
    "405": (json_answer(405, envelope(405, "Method not allowed")), ["405"]),
    "429-retry-after": (
        {**json_answer(429, envelope(429, "Too many requests")), "headers": {"Retry-After": "3"}},
        ["429"],
    ),
    "429-bare": ({"status": 429, "body": ""}, ["429"]),
    "500-envelope": (
        json_answer(500, envelope(500, "Object reference not set to an instance of an object.")),
        ["500"],
    ),
    "502-html": (html(502, "502 Bad Gateway"), ["502"]),
    "503-html": (html(503, "503 Service Temporarily Unavailable"), ["503"]),
    "truncated-json": (json_answer(200, '{"response": {"enabled": tr'), ["JSON", "json"]),
    "no-envelope": (json_answer(200, '{"enabled": true, "id": "x"}'), ["envelope", "response"]),
    "dropped": ({"drop": True}, ["connection", "Connection", "closed", "reset"]),
    # The client waits one second; the emulator answers after 1.5 s and still applies the
    # request, as a slow server would.
    "slow": ({"delay": 1.5}, ["timed out", "timeout", "time"]),
}
SLOW_TIMEOUT = 1
SLOW_SETTLE = 0.7
