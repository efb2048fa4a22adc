"""Results timings that must not be wall-clock assertions in tests (they flake under load).

* a cached gap-analysis PDF (unchanged round): the report link redirects to the file and the
  file is served — target under 1 s;
* the report status poll for a round whose PDF is cached — target under 0.3 s.

Run alone with ``uv run python -m bench.results``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from litestar.testing import TestClient

from service.app import create_app
from service.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.settings import Settings
from service.storage.db import open_database
from service.storage.migrations import migrate

Result = tuple[str, float, float]
ROUND = 2  # the demo municipality's round with answers and evidence


def _median(times: list[float]) -> float:
    return sorted(times)[len(times) // 2]


def bench_cached_report() -> list[Result]:
    """Time the second and later report downloads of an unchanged demo round."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "k.db"), data_dir=str(Path(tmp) / "data"))
        db = open_database(settings.db_path)
        migrate(db)
        create_demo(db, Catalog(QUESTIONNAIRE_DIR), settings)
        db.close()
        with TestClient(app=create_app(settings)) as client:
            client.get("/login")
            client.post(
                "/login",
                data={
                    "email": DEMO_EMAIL,
                    "password": DEMO_PASSWORD,
                    "_csrf_token": client.cookies["kompass_csrf"],
                },
            )
            url = f"/rounds/{ROUND}/report?lang=nb"
            deadline = time.monotonic() + 180
            while client.get(url, follow_redirects=False).status_code != 303:
                if time.monotonic() > deadline:
                    raise SystemExit("the report was not rendered within 180 s")
                time.sleep(0.5)
            downloads, polls = [], []
            for _ in range(5):
                start = time.perf_counter()
                again = client.get(url, follow_redirects=False)
                client.get(again.headers["location"])
                downloads.append(time.perf_counter() - start)
                start = time.perf_counter()
                client.get(f"/rounds/{ROUND}/report/status?lang=nb")
                polls.append(time.perf_counter() - start)
    return [
        ("cached report download (redirect + file)", _median(downloads), 1.0),
        ("report status poll (cached)", _median(polls), 0.3),
    ]


def main() -> int:
    """Print the timings; exit 1 if one misses its target."""
    failed = 0
    for name, seconds, target in bench_cached_report():
        ok = seconds <= target
        failed += not ok
        print(
            f"{name:50} {seconds * 1000:>8.1f}ms {target * 1000:>8.0f}ms {'ok' if ok else 'SLOW'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
