"""Cold start to first response from a Lambda bundle: precompiled vs compiled, as ratios to ``import wasmtime``.

Each sample is a fresh interpreter (``python -S -B``, only the unpacked bundle on sys.path, as on Lambda)
that imports the template's ``lambda_function`` (which loads the Function), then answers one Function URL
event. "compiled" points ``$PORTABLE_FN_CONFIG`` at a copy of the config without ``cache_dir`` and
``precompiled``. The "runtime:" rows preload, on both sides, the standard-library modules AWS's runtime client
has already imported when it loads a handler. Runs are
interleaved so machine noise hits every variant alike; medians are reported.

    python benchmarks/cold_start.py [--runs 10] [--large samples/out/echo-py.wasm]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.aws_lambda.bundle import build_bundle  # noqa: E402
from portable_fn.types import MIB  # noqa: E402

EVENT = {
    "version": "2.0",
    "rawPath": "/",
    "rawQueryString": "",
    "headers": {"host": "x.lambda-url.us-east-1.on.aws"},
    "requestContext": {"http": {"method": "GET", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "1.2.3.4"}},
    "isBase64Encoded": False,
}
INVOKE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
class Context:
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self):
        return 60000
result = lambda_function.handler(json.loads(sys.argv[2]), Context())
assert result["statusCode"] == 200, result
"""
BASELINE = "import sys; sys.path.insert(0, sys.argv[1]); import wasmtime"
# The standard-library modules AWS's runtime client (awslambdaric.bootstrap) has imported before it
# loads a handler: the "in the runtime" rows preload them on both sides of the ratio.
RUNTIME_PRELOAD = "import enum, functools, json, logging, pathlib, re, threading, traceback, typing, urllib.parse\n"


def prepare(artifact: Path, out: Path, wheels: Path) -> tuple[Path, Path]:
    """Build the bundle; return its folder and a config copy that compiles instead of loading."""
    bundle = build_bundle(artifact, None, out, wheel_cache=wheels)
    toml = (bundle.directory / "portable-fn.toml").read_text()
    nocache = bundle.directory / "portable-fn-nocache.toml"
    nocache.write_text(
        "\n".join(line for line in toml.splitlines() if not line.startswith(("cache_dir", "precompiled"))) + "\n"
    )
    return bundle.directory, nocache


def measure(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{command[:4]} failed: {result.stderr.decode()[-1500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--large", type=Path, default=ROOT / "samples/out/echo-py.wasm")
    args = parser.parse_args()
    python = [sys.executable, "-S", "-B"]
    base_env = {"PATH": os.environ["PATH"]}
    with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
        work = Path(scratch)
        variants: dict[str, tuple[list[str], dict[str, str], Path]] = {}
        hello, _ = prepare(ROOT / "samples/out/hello-c.wasm", work / "hello", work / "wheels")
        bundles = {
            label: prepare(artifact, work / label, work / "wheels")
            for label, artifact in (("hello-c", ROOT / "samples/out/hello-c.wasm"), ("large", args.large))
        }
        for prefix, preload in (("", ""), ("runtime: ", RUNTIME_PRELOAD)):
            variants[f"{prefix}import wasmtime"] = ([*python, "-c", preload + BASELINE, str(hello)], base_env, hello)
            for label, (folder, nocache) in bundles.items():
                command = [*python, "-c", preload + INVOKE, str(folder), json.dumps(EVENT)]
                env = {**base_env, "LAMBDA_TASK_ROOT": str(folder)}
                variants[f"{prefix}{label} precompiled"] = (command, env, folder)
                variants[f"{prefix}{label} compiled"] = (command, {**env, "PORTABLE_FN_CONFIG": str(nocache)}, folder)
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for command, env, cwd in variants.values():
            measure(command, env, cwd)  # warm the page cache once
        for _ in range(args.runs):
            for name, (command, env, cwd) in variants.items():
                samples[name].append(measure(command, env, cwd))
    print(f"large artifact: {args.large.name} ({args.large.stat().st_size / MIB:.1f} MB), {args.runs} runs each")
    print(f"{'variant':<32}{'median ms':>10}{'ratio':>8}")
    for name, values in samples.items():
        floor = statistics.median(
            samples["runtime: import wasmtime" if name.startswith("runtime: ") else "import wasmtime"]
        )
        median = statistics.median(values)
        print(f"{name:<32}{median * 1000:>10.1f}{median / floor:>7.2f}x")


if __name__ == "__main__":
    main()
