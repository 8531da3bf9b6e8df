"""Lambda entry file copied into bundles: handler string ``lambda_function.handler``.

Loading here runs in Lambda's init phase, before the first invocation is billed.
"""

from adapters.aws_lambda.handler import handler, load_function

load_function()

__all__ = ["handler"]
