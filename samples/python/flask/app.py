"""A Flask app, unchanged from how it would run under gunicorn, bundled with its dependencies."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

app = Flask(__name__)


@app.get("/")
def index() -> Response:
    """Greet and show the query arguments."""
    return jsonify(hello="flask", args=request.args.to_dict())


@app.post("/echo")
def echo() -> tuple[bytes, int, dict[str, str]]:
    """Return the request body unchanged."""
    return request.get_data(), 200, {"Content-Type": "application/octet-stream"}
