"""Cold start as each provider's own runtime sees it, as ratios to a function that only imports wasmtime.

Lambda rows: each sample is ``python -m awslambdaric lambda_function.handler`` started in an unzipped
bundle (``portable-fn package aws``: wheels vendored, precompiled artifact), site-packages empty (a fresh
venv), awslambdaric alone on ``$PYTHONPATH``, against a local Runtime API (benchmarks/lambda_runtime.py).
Time: process start until the first response is posted. Floor: the same runtime serving a
``lambda_function.py`` that only does ``import wasmtime`` (the bundle's) and returns a constant.

GCP and Azure rows: their entry file imports the provider's library (functions-framework ~100 ms,
azure-functions), which dwarfs ours, so each is a fresh interpreter in the staged bundle that loads the
entry file as the provider's host does and answers one GET, against a floor entry file importing that
library and wasmtime: the difference is ours.

Wall and CPU time (the child's user + system) are both reported: on a shared machine CPU time is the
steadier of the two. Runs are interleaved so machine noise hits every variant alike; medians are reported.

    python benchmarks/cold_start.py [--runs 15] [--large samples/out/echo-py.wasm] [--before CHECKOUT] [--lambda-only]
    python benchmarks/cold_start.py --importtime     # the slowest imports of one hello-c cold start
    python benchmarks/cold_start.py --import-cost [--before CHECKOUT]   # our import time alone, medians
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.aws_lambda.bundle import build_bundle as build_aws  # noqa: E402
from adapters.azure_functions.bundle import build_bundle as build_azure  # noqa: E402
from adapters.gcp_functions.bundle import build_bundle as build_gcp  # noqa: E402
from benchmarks.lambda_runtime import Timing, bare_python, child_cpu, cold_start, runtime_path  # noqa: E402
from portable_fn.packaging import Bundle  # noqa: E402
from portable_fn.types import MIB  # noqa: E402

EVENT = {
    "version": "2.0",
    "rawPath": "/",
    "rawQueryString": "",
    "headers": {"host": "x.lambda-url.us-east-1.on.aws"},
    "requestContext": {"http": {"method": "GET", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "1.2.3.4"}},
    "isBase64Encoded": False,
}
FLOOR_HANDLER = """import wasmtime


def handler(event, context):
    return {"statusCode": 200, "body": "hello\\n"}
"""
# GCP / Azure: a fresh interpreter in the folder loads the entry file as the provider's host does and
# answers one GET through the first HTTP function. Floors: an entry file importing the library and wasmtime.
FIRST_RESPONSE = {
    "gcp": """
import functions_framework
client = functions_framework.create_app(target="http", source="main.py").test_client()
answer = client.get("/")
assert answer.status_code == 200, answer.data
""",
    "azure": """
import azure.functions as func
import function_app
http = next(f for f in function_app.app.get_functions() if f.get_trigger().type == "httpTrigger")
answer = http.get_user_function()(func.HttpRequest("GET", "http://localhost/api/", body=b"", route_params={}))
assert answer.status_code == 200, answer.get_body()
""",
}
FLOOR_ENTRY = {
    "gcp": (
        "main.py",
        """import functions_framework
import wasmtime


@functions_framework.http
def http(request):
    return "hello\\n"
""",
    ),
    "azure": (
        "function_app.py",
        """import azure.functions as func
import wasmtime

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="{*route}")
def http(req):
    return func.HttpResponse("hello\\n")
""",
    ),
}
# Our own import cost alone: what the handler module adds once wasmtime and the runtime client's modules are in.
IMPORT_COST = (
    "import sys, time, json, logging, re, typing, pathlib, wasmtime; sys.path.insert(0, '.');"
    "start = time.perf_counter(); import lambda_function; print(time.perf_counter() - start)"
)
Sample = Callable[[], Timing]
HELLO = ROOT / "samples/out/hello-c.wasm"


def lambda_sample(python: Path, bundle: Path, runtime: Path) -> Sample:
    """One awslambdaric cold start in ``bundle`` (see benchmarks/lambda_runtime.py)."""
    return lambda: cold_start(python, bundle, runtime, EVENT)


def before_bundle(checkout: Path, work: Path) -> Path:
    """The hello-c Lambda bundle another checkout of this project builds, unzipped under ``work``."""
    code = (
        "import sys, zipfile; from pathlib import Path; from adapters.aws_lambda.bundle import build_bundle;"
        "bundle = build_bundle(Path(sys.argv[1]), None, Path(sys.argv[2]), wheel_cache=Path(sys.argv[3]));"
        "zipfile.ZipFile(bundle.archive).extractall(sys.argv[2] + '/task')"
    )
    command = [sys.executable, "-c", code, str(HELLO), str(work / "aws-before"), str(work / "wheels")]
    subprocess.run(
        command,
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout), "PYTHONDONTWRITEBYTECODE": "1"},
        check=True,
    )
    return work / "aws-before/task"


def import_sample(folder: Path, code: str) -> Sample:
    """One fresh interpreter (with this one's site-packages) running ``code`` in ``folder``."""

    def sample() -> Timing:
        cpu = child_cpu()
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=folder, env={"PATH": os.environ["PATH"]}, capture_output=True, check=False
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"{folder.name}: {result.stderr.decode()[-2000:]}")
        return Timing(elapsed, child_cpu() - cpu)

    return sample


def floor_folder(folder: Path, entry: str, source: str) -> Path:
    """A folder holding only ``entry`` (``source``), and links to the real bundle's wasmtime if it has one."""
    folder.mkdir()
    (folder / entry).write_text(source)
    return folder


def lambda_folders(work: Path, large: Path) -> dict[str, Path]:
    """Unzipped Lambda bundles for hello-c and ``large``, plus the floor's folder (sharing hello's wasmtime)."""
    wheels = work / "wheels"
    hello = unzip_bundle(build_aws(HELLO, None, work / "aws-hello", wheel_cache=wheels), work / "task-hello")
    big = unzip_bundle(build_aws(large, None, work / "aws-large", wheel_cache=wheels), work / "task-large")
    floor = floor_folder(work / "task-floor", "lambda_function.py", FLOOR_HANDLER)
    for name in ("wasmtime", *(path.name for path in hello.glob("wasmtime-*.dist-info"))):
        (floor / name).symlink_to(hello / name)
    return {"aws: import wasmtime": floor, "aws: hello-c": hello, f"aws: {large.stem}": big}


def build_variants(work: Path, large: Path, before: Path | None, providers: bool) -> dict[str, tuple[str, Sample]]:
    """Every variant (the GCP and Azure ones if ``providers``): name -> (its floor's name, one timed sample)."""
    python, runtime = lambda_python(work)
    folders = lambda_folders(work, large)
    if before is not None:
        folders["aws: hello-c, before"] = before_bundle(before, work)
    variants: dict[str, tuple[str, Sample]] = {
        name: ("aws: import wasmtime", lambda_sample(python, folder, runtime)) for name, folder in folders.items()
    }
    for provider, build in (("gcp", build_gcp), ("azure", build_azure)) if providers else ():
        entry, source = FLOOR_ENTRY[provider]
        floor_name = f"{provider}: library + import wasmtime"
        staged = build(HELLO, None, work / provider).directory
        floor_dir = floor_folder(work / f"{provider}-floor", entry, source)
        variants[floor_name] = (floor_name, import_sample(floor_dir, FIRST_RESPONSE[provider]))
        variants[f"{provider}: hello-c"] = (floor_name, import_sample(staged, FIRST_RESPONSE[provider]))
    return variants


def lambda_python(work: Path) -> tuple[Path, Path]:
    """A Python with empty site-packages, and the folder to put on its path holding only the runtime client."""
    return bare_python(work / "venv"), runtime_path(work / "runtime")


def print_import_times(work: Path, large: Path, top: int = 30) -> None:
    """One awslambdaric cold start of the hello bundle under ``-X importtime``: the slowest imports it adds
    to the runtime client's own (cumulative microseconds, as ``-X importtime`` prints them)."""
    python, runtime = lambda_python(work)
    hello = lambda_folders(work, large)["aws: hello-c"]
    cold_start(python, hello, runtime, EVENT, ("-X", "importtime"))
    lines = hello.with_suffix(".log").read_text().splitlines()
    first = next(index for index, line in enumerate(lines) if "awslambdaric.bootstrap" in line)
    rows = [line.split("|") for line in lines[first + 1 :] if line.startswith("import time:")]
    for row in sorted(rows, key=lambda row: -int(row[1]))[:top]:
        print(f"{int(row[1]) / 1000:8.1f} ms cumulative {int(row[0].split(':')[1]) / 1000:6.1f} ms self  {row[2]}")


def print_import_costs(work: Path, large: Path, before: Path | None, runs: int) -> None:
    """Median seconds to import the handler module in fresh interpreters, hello-c (and ``before``'s), interleaved."""
    python, _ = lambda_python(work)
    folders = {"hello-c": lambda_folders(work, large)["aws: hello-c"]}
    if before is not None:
        folders["hello-c, before"] = before_bundle(before, work)
    seconds: dict[str, list[float]] = {name: [] for name in folders}
    for _ in range(runs):
        for name, folder in folders.items():
            result = subprocess.run([python, "-c", IMPORT_COST], cwd=folder, capture_output=True, text=True, check=True)
            seconds[name].append(float(result.stdout))
    for name, samples in seconds.items():
        print(f"import lambda_function, {name:<17}{statistics.median(samples) * 1000:>8.1f} ms median of {runs}")


def unzip_bundle(bundle: Bundle, folder: Path) -> Path:
    """Unpack a built zip into ``folder``, as Lambda does."""
    assert bundle.archive is not None
    with zipfile.ZipFile(bundle.archive) as archive:
        archive.extractall(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--large", type=Path, default=ROOT / "samples/out/echo-py.wasm")
    parser.add_argument("--importtime", action="store_true", help="only list the slowest imports of hello-c")
    parser.add_argument("--import-cost", action="store_true", help="only time importing the handler (after wasmtime)")
    parser.add_argument("--before", type=Path, help="a checkout (e.g. a worktree of main) to add a hello-c row from")
    parser.add_argument("--lambda-only", action="store_true", help="skip the GCP and Azure rows (more runs per minute)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
        if args.importtime:
            print_import_times(Path(scratch), args.large)
            return
        if args.import_cost:
            print_import_costs(Path(scratch), args.large, args.before, args.runs)
            return
        variants = build_variants(Path(scratch), args.large, args.before, not args.lambda_only)
        samples: dict[str, list[Timing]] = {name: [] for name in variants}
        for _, sample in variants.values():
            sample()  # warm the page cache once
        for _ in range(args.runs):
            for name, (_, sample) in variants.items():
                samples[name].append(sample())
    print(f"large: {args.large.name} ({args.large.stat().st_size / MIB:.1f} MB), {args.runs} interleaved runs each")
    print(f"{'variant':<36}{'wall ms':>9}{'ratio':>8}{'CPU ms':>9}{'ratio':>8}")
    for name, (floor, _) in variants.items():
        wall, cpu = (statistics.median(getattr(timing, kind) for timing in samples[name]) for kind in ("wall", "cpu"))
        floor_wall, floor_cpu = (
            statistics.median(getattr(timing, kind) for timing in samples[floor]) for kind in ("wall", "cpu")
        )
        print(f"{name:<36}{wall * 1000:>9.1f}{wall / floor_wall:>7.2f}x{cpu * 1000:>9.1f}{cpu / floor_cpu:>7.2f}x")


if __name__ == "__main__":
    main()
