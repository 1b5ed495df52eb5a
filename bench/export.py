"""Export benchmark (run on demand, not a test): do exports stream with flat memory?

Fills an archive with N records (100 aggregates per save), then measures, for the event
export (JSON Lines), the Noark 5 package and its validation, the time and the peak Python heap
(tracemalloc) at N/10 and at N records. Flat memory means the peak at N is close to the
peak at N/10 (ratio printed), not ten times it.

    .venv/bin/python bench/export.py [--records 100000] [--schemas ../shared/schemas]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import fill  # noqa: E402

from archive import audit  # noqa: E402
from archive.config import Settings  # noqa: E402
from archive.export.from_archive import build_archive  # noqa: E402
from archive.export.noark5 import validate_package, write_package  # noqa: E402
from archive.service import ArchiveService  # noqa: E402


def measure(label: str, work) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:34} {elapsed:8.1f} s   peak heap {peak / 1e6:8.1f} MB")
    return elapsed, peak


def run(n: int, directory: Path, schemas: Path | None) -> dict[str, int]:
    print(f"{n} events:")
    service = ArchiveService(Settings(data_dir=directory / f"data{n}"), search=False)
    fill(service, n)
    service.catch_up()
    peaks = {}
    with (directory / f"events{n}.jsonl").open("w", encoding="utf-8") as out:
        peaks["events"] = measure("export events (JSON Lines)", lambda: audit.export_events(service, out))[1]
    if schemas is not None:
        package = directory / f"noark{n}"
        peaks["noark5"] = measure(
            "export noark5", lambda: write_package(build_archive(service), package, schemas)
        )[1]
        errors: list[str] = []
        peaks["validate"] = measure(
            "validate noark5",
            lambda: errors.extend(validate_package(package, schemas / "noark5-v5.0", schemas / "addml-v8.3")),
        )[1]
        if errors:
            print(f"  validation errors: {len(errors)}, first: {errors[0]}")
    service.close()
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--schemas", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "schemas")
    args = parser.parse_args()
    schemas = args.schemas if (args.schemas / "noark5-v5.0").is_dir() else None
    if schemas is None:
        print("(no schemas folder: skipping the Noark 5 package)")
    with tempfile.TemporaryDirectory() as tmp:
        small = run(args.records // 10, Path(tmp), schemas)
        large = run(args.records, Path(tmp), schemas)
    for name in small:
        print(f"{name}: peak at {args.records} / peak at {args.records // 10} = {large[name] / small[name]:.2f}x "
              f"(flat ≈ 1x; proportional = 10x)")


if __name__ == "__main__":
    main()
