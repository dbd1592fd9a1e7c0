"""Where a worker finds the code: the pull step of prefect.yaml.

A process worker starts each flow run in a temporary folder. The deployments' entrypoints
(``flows/advance.py:advance_request``, ...) and our config/ and templates/ are found from
the project folder, so every run first changes into the folder of the rechtenloket that
this worker's Python has installed (``make install``: an editable install of the clone). So
``prefect deploy --all`` works from any clone and any path, and a worker on another machine
finds its own copy of the same version; nothing machine-specific is stored in Prefect.
"""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def enter_project() -> dict[str, str]:
    """Pull step: run the flow in this installation's project folder (prefect.yaml ``pull``)."""
    from prefect.deployments.steps import set_working_directory

    return set_working_directory(str(PROJECT_ROOT))
