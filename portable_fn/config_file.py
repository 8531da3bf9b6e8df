"""The bytes of a config file turned into data: a bundle's literal form, decided at package time, or TOML.

``portable-fn package`` writes ``portable-fn.generated.json`` beside the bundle's ``portable-fn.toml``:
the TOML's exact text and the data it parses to. An entry point that finds the pair agreeing reads the
data without loading a TOML parser, which is part of every cold start. ``portable-fn.toml`` stays the
source of truth: edit it after packaging and the generated file no longer matches its text, so the TOML
is parsed again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portable_fn.errors import ConfigError

GENERATED_NAME = "portable-fn.generated.json"


def load_config_data(path: Path) -> dict[str, Any]:
    """The data ``path`` holds: the generated literal beside it when that was made from this exact text,
    else the parsed TOML. Not validated. Raises ConfigError when the file cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    generated = _read_generated(path.with_name(GENERATED_NAME))
    if generated is not None and generated.get("toml") == text and isinstance(generated.get("config"), dict):
        config: dict[str, Any] = generated["config"]
        return config
    return parse_toml(text, path)


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """``text`` (read from ``path``) parsed as TOML. Raises ConfigError naming the file."""
    import tomllib  # only here: a packaged entry point never parses TOML, and the parser costs ~4 ms to load

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def render_generated(text: str, path: Path) -> str:
    """The generated file for the TOML ``text`` written at ``path``: its text and the data it parses to.

    Raises ConfigError when ``text`` is not valid TOML.
    """
    return json.dumps({"toml": text, "config": parse_toml(text, path)}, indent=2, sort_keys=True) + "\n"


def _read_generated(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None  # absent or damaged: the TOML is read instead, which is always correct
    return data if isinstance(data, dict) else None
