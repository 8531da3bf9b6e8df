"""The Lambda entry point: ``adapters.aws_lambda.handler.handler``.

The Function named by ``portable-fn.toml`` (``$PORTABLE_FN_CONFIG``, else the file in
``$LAMBDA_TASK_ROOT``) is loaded once per execution environment, on first use; the
template's ``lambda_function.py`` calls ``load_function`` during Lambda's init phase.
An optional ``[aws]`` table sets ``text_mime_types``, the content types sent as text.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from adapters.aws_lambda.dispatch import handle_event
from adapters.aws_lambda.types import HttpOptions, LambdaContext, Result
from portable_fn import ConfigError, Function, locate_config, read_config, spec_from_config


@functools.cache
def load_function() -> tuple[Function, HttpOptions]:
    """Load the configured Function and HTTP options, once. Raises ConfigError or ArtifactError."""
    environ = dict(os.environ)
    config = locate_config(Path(environ.get("LAMBDA_TASK_ROOT", ".")), environ)
    spec = spec_from_config(config, environ)
    guest_log = logging.getLogger("portable_fn.guest")
    if "AWS_LAMBDA_LOG_LEVEL" not in environ and guest_log.level == logging.NOTSET:
        # Lambda's root logger stays at WARNING by default; the guest's stderr lines are INFO.
        guest_log.setLevel(logging.INFO)
    return spec.load(), options_from_config(config)


def options_from_config(config: Path) -> HttpOptions:
    """HttpOptions from the config's ``[aws]`` table. Raises ConfigError for a bad value."""
    table = read_config(config).get("aws", {})
    types = table.get("text_mime_types") if isinstance(table, dict) else None
    if types is None:
        return HttpOptions()
    if not isinstance(types, list) or not all(isinstance(item, str) and item for item in types):
        raise ConfigError(f"{config}: aws.text_mime_types must be a list of content-type prefixes")
    return HttpOptions(tuple(item.lower() for item in types))


def handler(event: object, context: LambdaContext) -> Result | None:
    """Lambda handler: one event in, the event source's result out (see dispatch.handle_event)."""
    function, options = load_function()
    return handle_event(function, event, context, options)
