"""prefect.yaml (the process work pool, scale-out) and flows/serve.py (the embedded default)
define the same deployments: names, flows, entrypoints, schedules, parameters, limits.
flows/serve.py holds the schedule constants; this test holds prefect.yaml to them. The
deployment itself is tested for real in tests/test_runtime.py (PostgreSQL pass)."""
import importlib
import os
from datetime import timedelta

import pytest
import yaml

from flows import serve
from flows.workdir import PROJECT_ROOT, enter_project

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"


def _yaml() -> dict:
    return yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))


def _served() -> dict:
    return {d.name: d for d in serve.deployments()}


def _schedule(entry: dict) -> tuple:
    if "cron" in entry:
        return ("cron", entry["cron"], entry.get("timezone"))
    return ("interval", timedelta(seconds=entry["interval"]))


def _served_schedule(schedule) -> tuple:
    if hasattr(schedule, "cron"):
        return ("cron", schedule.cron, schedule.timezone)
    return ("interval", schedule.interval)


def test_prefect_yaml_has_the_served_deployments_and_nothing_else():
    assert [d["name"] for d in _yaml()["deployments"]] == list(_served())


@pytest.mark.parametrize("name", list(_served()))
def test_each_deployment_is_the_same_on_the_work_pool_as_served(name):
    entry = next(d for d in _yaml()["deployments"] if d["name"] == name)
    served = _served()[name]
    assert entry["entrypoint"] == served.entrypoint
    path, function = entry["entrypoint"].split(":")
    flow = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), function)
    assert flow.name == served.flow_name
    assert (entry.get("parameters") or {}) == served.parameters
    assert entry.get("concurrency_limit") == served.concurrency_limit
    assert entry["description"] == served.description
    assert [_schedule(s) for s in entry.get("schedules") or []] == [_served_schedule(s.schedule)
                                                                    for s in served.schedules]
    assert entry["work_pool"] == {"name": "rechtenloket"}


def test_the_schedules_are_the_constants_of_flows_serve():
    by_name = {d["name"]: d for d in _yaml()["deployments"]}
    assert by_name["sla-sweep"]["schedules"] == [{"cron": serve.SWEEP_CRON, "timezone": serve.SWEEP_TIMEZONE}]
    assert by_name["deliver-outbox"]["schedules"] == [{"interval": serve.DELIVERY_INTERVAL_SECONDS}]


def test_the_pull_step_finds_the_code_from_any_folder(tmp_path):
    """A process worker starts a run in a temporary folder; the pull step goes to the
    project folder of the installed code, where every entrypoint is."""
    assert _yaml()["pull"] == [{"flows.workdir.enter_project": {}}]
    before = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert enter_project() == {"directory": str(PROJECT_ROOT)}
        assert os.getcwd() == str(PROJECT_ROOT)
        for entry in _yaml()["deployments"]:
            assert (PROJECT_ROOT / entry["entrypoint"].split(":")[0]).is_file()
    finally:
        os.chdir(before)


def test_prefect_yaml_holds_no_setting_or_secret():
    """A worker takes its settings and the key from its own environment (docs/deployment.md)."""
    lines = [line for line in PREFECT_YAML.read_text(encoding="utf-8").splitlines()
             if not line.lstrip().startswith("#")]
    assert not [line for line in lines if "RECHTENLOKET_" in line or "PREFECT_" in line]
    for entry in _yaml()["deployments"]:
        assert "job_variables" not in entry["work_pool"]
