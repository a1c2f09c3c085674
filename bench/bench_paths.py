"""Paths engine vs pm4py: DFG + waiting times + variants on BPIC 2012 (262 k events) and ×10 (2.6 M events).

Two cases, each measured for both libraries in the same run, every measurement in its own fresh child
process, so that its peak RSS (VmHWM from /proc/self/status, which restarts at exec) belongs to it alone:

(a) in memory: pm4py gets a pandas DataFrame already through `pm4py.format_dataframe`, Polku a polars frame;
    timed: pm4py.discover_dfg + discover_performance_dfg + get_variants vs polku.paths.analyze (which also
    computes case durations and activity counts). Best of several runs.
(b) end to end from the .xes.gz: pm4py.read_xes + format_dataframe + the same vs polku.paths.read_xes + analyze.
    One run per child. The ×10 log is written once to /tmp (by Polku's XES writer) and reused by later runs.

The machine may be shared, so the two libraries' children alternate (pm4py, Polku, pm4py, Polku, ...) for
ROUNDS rounds and each side keeps its best time: a burst of someone else's load hits both alike.

Peak RSS includes the interpreter, the libraries and the loaded data. The children also report what they
found (edges, total frequency, variants), and the parent checks both libraries agree.
"""

from __future__ import annotations

import json
import os
import pickle  # noqa: S403 - our own temporary files, written a moment earlier by this benchmark
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.table import print_table

ROOT = Path(__file__).resolve().parents[1]
BPIC2012 = ROOT.parent / "shared" / "data" / "eventlogs" / "bpic2012.xes.gz"
WORK = Path(os.environ.get("POLKU_BENCH_DIR", Path(tempfile.gettempdir()) / "polku-bench"))
COPIES = 10
REPEATS = {1: 3, COPIES: 2}
# Alternating child processes per row (the ×10 end-to-end row costs pm4py minutes a round).
ROUNDS = {("memory", 1): 2, ("memory", COPIES): 2, ("xes", 1): 2, ("xes", COPIES): 1}


def _peak_rss_mb() -> float:
    """This process's peak resident set size. Linux's VmHWM restarts at exec; ru_maxrss would carry over
    the (large) high-water mark of the parent that forked us, so it is only the fallback elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pm4py_compute(frame) -> dict:
    import pm4py

    dfg, _, _ = pm4py.discover_dfg(frame)
    performance, _, _ = pm4py.discover_performance_dfg(frame)
    variants = pm4py.get_variants(frame)
    assert performance.keys() == dfg.keys()
    return {"events": len(frame), "edges": len(dfg), "frequency": int(sum(dfg.values())), "variants": len(variants)}


def _polku_compute(frame) -> dict:
    from polku import paths

    result = paths.analyze(frame)
    return {"events": result.event_count, "edges": result.directly_follows.height,
            "frequency": int(result.directly_follows["frequency"].sum()), "variants": result.variants.height}


def child(tool: str, mode: str, source: str, repeats: int) -> dict:
    """One measurement in this (fresh) process: seconds (best of `repeats`), peak RSS, and what was found."""
    import warnings

    warnings.filterwarnings("ignore")
    if tool == "pm4py":
        import pm4py

        compute = _pm4py_compute
        if mode == "memory":
            with open(source, "rb") as handle:
                frame = pickle.load(handle)  # noqa: S301 - see the import

            def load():
                return frame
        else:
            def load():
                return pm4py.format_dataframe(pm4py.read_xes(source))
    else:
        import polars as pl

        from polku import paths

        compute = _polku_compute
        if mode == "memory":
            frame = pl.read_parquet(source)

            def load():
                return frame
        else:
            def load():
                return paths.read_xes(source)
    best, found = float("inf"), {}
    for _ in range(repeats):
        started = time.perf_counter()
        found = compute(load())
        best = min(best, time.perf_counter() - started)
    return {"seconds": best, "peak_rss_mb": _peak_rss_mb(), **found}


def _run_child(tool: str, mode: str, source: Path, repeats: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.bench_paths", tool, mode, str(source), str(repeats)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{tool} {mode} {source.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _alternate(mode: str, source: dict[str, Path], repeats: int, rounds: int) -> tuple[dict, dict]:
    """pm4py's and Polku's children taking turns; each side's fastest round (its peak RSS is the largest)."""
    best: dict[str, dict] = {}
    for _ in range(rounds):
        for tool in ("pm4py", "polku"):
            found = _run_child(tool, mode, source[tool], repeats)
            kept = best.get(tool)
            if kept is None or found["seconds"] < kept["seconds"]:
                best[tool] = {**found, "peak_rss_mb": max(found["peak_rss_mb"], (kept or found)["peak_rss_mb"])}
            else:
                kept["peak_rss_mb"] = max(kept["peak_rss_mb"], found["peak_rss_mb"])
    return best["pm4py"], best["polku"]


def _prepare() -> dict[str, Path]:
    """The inputs: Polku's Parquet ×1/×10, pm4py's formatted pickles ×1/×10 and the ×10 .xes.gz (cached)."""
    import polars as pl

    from polku import paths

    WORK.mkdir(parents=True, exist_ok=True)
    stamp = f"{BPIC2012.stat().st_size}-{int(BPIC2012.stat().st_mtime)}"
    files = {"xes1": BPIC2012, "xes10": WORK / f"bpic2012x{COPIES}-{stamp}.xes.gz",
             "parquet1": WORK / f"bpic2012-{stamp}.parquet", "parquet10": WORK / f"bpic2012x{COPIES}-{stamp}.parquet",
             "pickle1": WORK / f"bpic2012-{stamp}.pm4py.pickle",
             "pickle10": WORK / f"bpic2012x{COPIES}-{stamp}.pm4py.pickle"}
    if not all(files[k].exists() for k in ("xes10", "parquet1", "parquet10")):
        started = time.perf_counter()
        single = paths.read_xes(BPIC2012)
        # Ten copies with the case ids suffixed per copy: ten times the cases, identical paths and waits.
        tenfold = pl.concat([single.with_columns(pl.col("case:concept:name") + f"-{copy}") for copy in range(COPIES)])
        single.write_parquet(files["parquet1"])
        tenfold.write_parquet(files["parquet10"])
        paths.write_xes(tenfold, files["xes10"])
        print(f"(prepared the ×{COPIES} log, {tenfold.height} events, in {time.perf_counter() - started:.0f} s; "
              f"cached in {WORK})")
    if not all(files[k].exists() for k in ("pickle1", "pickle10")):
        code = ("import pickle, warnings, pandas as pd, pm4py\nwarnings.filterwarnings('ignore')\n"
                f"df = pm4py.read_xes({str(BPIC2012)!r})\n"
                f"pickle.dump(pm4py.format_dataframe(df.copy()), open({str(files['pickle1'])!r}, 'wb'))\n"
                "copies = []\n"
                f"for k in range({COPIES}):\n"
                "    c = df.copy(); c['case:concept:name'] = c['case:concept:name'].astype(str) + f'-{k}'\n"
                "    copies.append(c)\n"
                f"pickle.dump(pm4py.format_dataframe(pd.concat(copies, ignore_index=True)), "
                f"open({str(files['pickle10'])!r}, 'wb'))\n")
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return files


def run() -> None:
    if not BPIC2012.exists():
        print(f"skipped: {BPIC2012} is absent")
        return
    files = _prepare()
    import pm4py  # noqa: F401 - fail early and visibly when the test extra is missing

    version = __import__("importlib.metadata").metadata.version
    print(f"pm4py {version('pm4py')}, polars {version('polars')}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    rows = []
    for mode, label in (("memory", "(a) in memory"), ("xes", "(b) from .xes.gz")):
        for scale in (1, COPIES):
            source = {"memory": {"pm4py": files[f"pickle{scale}"], "polku": files[f"parquet{scale}"]},
                      "xes": {"pm4py": files[f"xes{scale}"], "polku": files[f"xes{scale}"]}}[mode]
            repeats = REPEATS[scale] if mode == "memory" else 1
            theirs, ours = _alternate(mode, source, repeats, ROUNDS[(mode, scale)])
            agree = all(theirs[k] == ours[k] for k in ("events", "edges", "frequency", "variants"))
            rows.append([label, f"BPIC 2012 ×{scale}", f"{ours['events']:,}",
                         theirs["seconds"], ours["seconds"], f"{theirs['seconds'] / ours['seconds']:.1f}×",
                         f"{theirs['peak_rss_mb']:.0f}", f"{ours['peak_rss_mb']:.0f}", "yes" if agree else "NO"])
    print(f"(load average {os.getloadavg()[0]:.1f} at the end)")
    print_table(["case", "log", "events", "pm4py s", "Polku s", "speed-up", "pm4py peak RSS MB",
                 "Polku peak RSS MB", "same result"], rows)


if __name__ == "__main__":
    tool, mode, source, repeats = sys.argv[1:5]
    print(json.dumps(child(tool, mode, source, int(repeats))))
