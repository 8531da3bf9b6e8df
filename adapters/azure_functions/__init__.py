"""Azure Functions (Python v2 programming model): HTTP, Queue, Blob, Event Grid and Timer triggers."""
