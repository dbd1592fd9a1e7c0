"""Loader for config/holidays.yaml: the days designated by decree under Atw art. 3 lid 3.

The statutory holidays are computed in models.holidays; only the decree days, which the
government publishes per period, are data. A wrong file fails at load with the file name
and the key, like the region files.
"""
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.holidays import DecreeDay
from models.region_config import ConfigError, yaml_problem


class _Loader(yaml.SafeLoader):
    """Leaves dates as text, so pydantic checks them and the error names the key
    (PyYAML itself would fail on 2030-02-30 without saying where)."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


class _DecreeDayModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    date: date
    name: str = Field(min_length=1)
    source: str = Field(min_length=1)  # the decree's title as published


class _HolidaysFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decree_days: list[_DecreeDayModel] = Field(default_factory=list)


def load_decree_days(path: Path) -> list[DecreeDay]:
    """Decree days from ``path``, sorted by date. Raises ConfigError on any defect."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {yaml_problem(exc)}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: key '(top level)': expected a mapping")
    try:
        parsed = _HolidaysFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: key '{key}': {first['msg']}") from exc
    seen: set[date] = set()
    for i, day in enumerate(parsed.decree_days):
        if day.date in seen:
            raise ConfigError(f"{path}: key 'decree_days.{i}.date': duplicate date {day.date}")
        seen.add(day.date)
    return sorted(
        (DecreeDay(date=d.date, name=d.name, source=d.source) for d in parsed.decree_days),
        key=lambda d: d.date,
    )
