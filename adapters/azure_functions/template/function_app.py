"""The file the Azure Functions host indexes: serves portable-fn.toml's artifact on every trigger."""

import os
from pathlib import Path

from adapters.azure_functions.handler import app_from_directory

app = app_from_directory(Path(__file__).parent, os.environ)
