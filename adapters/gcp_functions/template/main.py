"""The file functions-framework loads (``--source main.py``): ``--target http`` or ``--target event``."""

import os
from pathlib import Path

import functions_framework

from adapters.gcp_functions.handler import Entry

entry = Entry.from_directory(Path(__file__).parent, os.environ)
http = functions_framework.http(entry.http)
event = functions_framework.cloud_event(entry.event)
