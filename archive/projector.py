"""`python -m archive.projector`: the read models' runner in a process of its own.

Started by a server (`ArchiveService.start`) with `projector = "process"` (archive.readmodels.process):
reads its settings from PROTOKOLL_PROJECTOR_SETTINGS, follows the log into the read models,
reports positions and errors on stdout, and ends when its input closes.
"""

from __future__ import annotations

import logging
import os
import sys

from archive.readmodels.process import SETTINGS_ENV, settings_from_json
from archive.service import ArchiveService


def main() -> int:
    text = os.environ.get(SETTINGS_ENV)
    if not text:
        print(f"error: {SETTINGS_ENV} is not set (this process is started by the archive)", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="projector: %(levelname)s %(message)s")
    with ArchiveService(settings_from_json(text), search=False) as service:
        service.runner.follow_for_parent(sys.stdin.fileno(), sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
