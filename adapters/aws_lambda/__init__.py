"""AWS Lambda provider: every HTTP event shape and non-HTTP source, mapped to one guest.

The entry point is ``adapters.aws_lambda.handler.handler``; ``README.md`` here has the
event mapping table.
"""
