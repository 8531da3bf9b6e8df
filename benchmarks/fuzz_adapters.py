"""The adapter fuzz suites with many fresh random examples; CI runs a fixed few hundred per property.

Each property (tests/adapters/*/test_fuzz.py) mutates real provider samples and asserts the adapter
contract: an HTTP event always gets an HTTP answer, any other event reaches the guest or raises
portable_fn's own typed error, and no last-resort boundary logs an unexpected error.

    python benchmarks/fuzz_adapters.py              # 10,000 examples per property
    python benchmarks/fuzz_adapters.py --examples 50000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "adapters").glob("*/test_fuzz.py"))


def main() -> int:
    """Run every fuzz suite once with ``--examples`` examples per property; pytest's exit code."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000)
    examples = parser.parse_args().examples
    env = {**os.environ, "PORTABLE_FN_FUZZ_EXAMPLES": str(examples)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout", "0", *SUITES]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
