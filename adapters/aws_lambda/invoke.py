"""``portable-fn invoke --event FILE --provider aws``: one native Lambda event, locally.

The event goes through ``dispatch.handle_event`` exactly as in Lambda, with a context whose
deadline is the Function's own timeout, so ``sam local invoke -e FILE`` works without Docker.
"""

from __future__ import annotations

import time
import uuid

from adapters.aws_lambda.dispatch import handle_event
from adapters.aws_lambda.emulate import EmulatedContext
from adapters.aws_lambda.types import SAFETY_MARGIN_SECONDS
from portable_fn import Function


def invoke_event(function: Function, event: object) -> object:
    """Lambda's result for ``event``: an HTTP result, ``batchItemFailures``, or None.

    Raises UnknownEvent/RequestError for an unsupported or malformed event and RecordsFailed
    (an EventRejected) when the guest refused records of a source that retries whole batches.
    """
    budget = function.limits.timeout_seconds + SAFETY_MARGIN_SECONDS
    context = EmulatedContext(str(uuid.uuid4()), time.monotonic() + budget)
    return handle_event(function, event, context)
