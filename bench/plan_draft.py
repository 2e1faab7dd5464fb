"""`tdkt plan draft` measured against the five hand-encoded seeds (issue 24).

Each seed text (/work/shared/seeds, or TDKT_SEEDS) is drafted with its directory and compared
with its plan file (models.plan_draft.compare): per seed, the share of dated milestones found
(same phrase and clause), of undated duties found, of quotas found, what the draft found that
the file lacks, and over the milestones found each `from` and `to` judged right, left empty
(CAN-DIEN for the coordinator), short (`from`: true but fewer than the file's) or wrong (a body
the file does not have), every wrong one listed. Aim: every dated milestone found, nothing
false (no wrong body). Drafting is pure and takes a fraction
of a second a seed; --quick is the same run.

    .venv/bin/python -m bench.plan_draft [--json]
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ROOT, arguments, machine, report


@dataclass(frozen=True)
class Seed:
    text: str
    plan: str
    directory: str


SEEDS = (
    Seed("000_8396f322777b7dc5.txt", "nam-dinh-skhdt-2022-2025", "nam-dinh-skhdt"),
    Seed("001_6f18d55fef7a3bb5.txt", "nam-dinh-city-2022-2025", "nam-dinh-city"),
    Seed("002_3d183d1691f221ce.txt", "khanh-hoa-stnmt-2021-2025", "khanh-hoa-stnmt"),
    Seed("003_3b8843473f52926e.txt", "quang-binh-2021-2025", "quang-binh"),
    Seed("004_4fcefa623912a144.txt", "cong-thuong-party-2023-2025", "cong-thuong-party"),
)
"""docs/seeds.md: which seed text each plan file encodes, and its directory."""


def seeds_folder() -> Path:
    """Where the seed texts are: TDKT_SEEDS, else the shared folder beside the project."""
    return Path(os.environ.get("TDKT_SEEDS", "/work/shared/seeds"))


def measure(seed: Seed, folder: Path) -> dict[str, Any]:
    """Draft one seed and compare it with its plan file; the figures as a dict."""
    from models.directory import read_directory
    from models.plan_draft.compare import compare
    from models.plan_draft.draft import draft_plan
    from models.plan_draft.duties import directory_units
    from models.plan_files import plan_from_source, read_plan
    from models.source import parse_yaml

    text = (folder / seed.text).read_text(encoding="utf-8")
    units = directory_units(
        read_directory(ROOT / "data" / "directories" / f"{seed.directory}.yaml")
    )
    started = time.perf_counter()
    draft = draft_plan(text, source=f"seeds/{seed.text}", units=units)
    seconds = time.perf_counter() - started
    plan = plan_from_source(parse_yaml(draft.yaml, f"{seed.plan}.draft.yaml"))
    hand = read_plan(ROOT / "plans" / f"{seed.plan}.yaml")
    result = compare(hand, plan, units).as_dict()
    return {"seed": seed.text[:3], "plan": seed.plan, "seconds": round(seconds, 3), **result}


def _share(found: int, total: int) -> str:
    return f"{found}/{total}" + (f" ({100 * found / total:.0f} %)" if total else "")


def main() -> None:
    args = arguments(__doc__ or "")
    folder = seeds_folder()
    results = [measure(seed, folder) for seed in SEEDS]
    lines = []
    for r in results:
        lines.append(
            f"{r['seed']} {r['plan']}: dated milestones "
            f"{_share(r['dated_found'], r['dated_milestones'])}"
            f", undated {_share(r['undated_found'], r['undated_milestones'])}"
            f", quotas {_share(r['quotas_found'], r['quotas'])}; {r['seconds']} s"
        )
        lines.append(
            f"    of {r['bodies_compared']} found: from right {r['from_right']}, empty "
            f"{r['from_empty']}, short {r['from_short']}, wrong {r['from_wrong']}; to right "
            f"{r['to_right']}, empty {r['to_empty']}, wrong {r['to_wrong']}"
        )
        lines += [f"    WRONG {w}" for w in r["wrong"]]
        lines += [f"    not in the plan file: {e}" for e in r["extra"]]
        lines += [f"    missed: {m}" for m in r["missed"]]
    report({"machine": machine(), "seeds": results}, lines, as_json=args.json)


if __name__ == "__main__":
    main()
