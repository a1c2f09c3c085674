"""Column names of the paths engine: the XES standard names for input, and the names of every output frame.

Every engine function takes the input names as keyword arguments (`case=`, `activity=`, `timestamp=`) whose
defaults are these constants, so a frame read from XES needs no arguments and any other frame names its own.
"""

from __future__ import annotations

import polars as pl

# Input: the XES standard keys (what pm4py and ProM use), so XES logs need no renaming.
CASE = "case:concept:name"
ACTIVITY = "concept:name"
TIMESTAMP = "time:timestamp"
RESOURCE = "org:resource"
LIFECYCLE = "lifecycle:transition"
# Prefix XES uses for trace (case) attributes once flattened into the event table.
CASE_PREFIX = "case:"

# Output frames.
CASE_OUT = "case"
ACTIVITY_OUT = "activity"
TIME_OUT = "timestamp"
SOURCE = "source"
TARGET = "target"
FREQUENCY = "frequency"
WAIT_MEAN = "wait_mean_s"
WAIT_MEDIAN = "wait_median_s"
WAIT_P90 = "wait_p90_s"
COUNT = "count"
EVENTS = "events"
CASES = "cases"
VARIANT = "variant"
MEAN_DURATION = "mean_duration_s"
START = "start"
END = "end"
DURATION = "duration_s"
RULE = "rule"
POSITION = "position"
MEASURED = "measured_s"

# One time type for every timestamp the engine hands out: microseconds (what XES and pm4py carry) in UTC.
TIME_TYPE = pl.Datetime("us", "UTC")
