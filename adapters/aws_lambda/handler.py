"""The Lambda entry point: ``adapters.aws_lambda.handler.handler``.

The Function named by ``portable-fn.toml`` (``$PORTABLE_FN_CONFIG``, else the file beside the bundle's
``lambda_function.py``, else the one in ``$LAMBDA_TASK_ROOT``) is loaded once per execution environment,
on first use; the
template's ``lambda_function.py`` calls ``load_function`` during Lambda's init phase.
An optional ``[aws]`` table sets ``text_mime_types``, the content types sent as text.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.aws_lambda.dispatch import handle_event
from adapters.aws_lambda.settings import NAME, OWN_TABLES, TABLE
from adapters.aws_lambda.types import HttpOptions, LambdaContext, Result
from portable_fn import Function, locate_config, provider_settings, read_config, spec_from_data


@functools.cache
def load_function() -> tuple[Function, HttpOptions]:
    """Load the configured Function and HTTP options, once. Raises ConfigError or ArtifactError."""
    environ = dict(os.environ)
    config = config_path(environ)
    data = read_config(config, OWN_TABLES)
    spec = spec_from_data(data, config, environ, OWN_TABLES)
    guest_log = logging.getLogger("portable_fn.guest")
    if "AWS_LAMBDA_LOG_LEVEL" not in environ and guest_log.level == logging.NOTSET:
        # Lambda's root logger stays at WARNING by default; the guest's stderr lines are INFO.
        guest_log.setLevel(logging.INFO)
    return spec.load(), http_options(data)


def config_path(environ: Mapping[str, str]) -> Path:
    """The config to load: ``$PORTABLE_FN_CONFIG``, else beside the bundle's entry module, else in
    ``$LAMBDA_TASK_ROOT`` (local runners such as serverless-offline set it to /var/task, not the bundle)."""
    bundle_root = Path(__file__).resolve().parents[2]  # <root>/adapters/aws_lambda/handler.py
    for directory in (bundle_root, Path(environ.get("LAMBDA_TASK_ROOT", "."))):
        path = locate_config(directory, environ)
        if path.is_file():
            break
    return path


def http_options(config: Mapping[str, Any]) -> HttpOptions:
    """HttpOptions from a parsed config's ``[aws]`` table. Raises ConfigError for a bad value."""
    types = provider_settings(config, NAME, TABLE)["text_mime_types"]
    return HttpOptions() if types is None else HttpOptions(tuple(item.lower() for item in types))


def handler(event: object, context: LambdaContext) -> Result | None:
    """Lambda handler: one event in, the event source's result out (see dispatch.handle_event)."""
    function, options = load_function()
    return handle_event(function, event, context, options)
