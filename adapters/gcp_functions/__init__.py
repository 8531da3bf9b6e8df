"""Google Cloud Functions (functions-framework): an HTTP function and a CloudEvent function."""
