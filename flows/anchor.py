"""The audit trail's head as a Prefect artifact: an anchor outside our database and our disk.

The daily sweep publishes the head (sequence number and HMAC, no personal data) as a table
artifact with key ``audit-anchor-<key id>``; each sweep adds a version. The key id (the
master key's public fingerprint, models.keys) names the installation, so two installations
that share a Prefect server never mix their anchors, and an emptied database still knows
which artifacts are its own. ``rechtenloket audit verify --prefect`` reads every version
back and checks it like a line of the anchor file, so a trail that was cut short or
rewritten together with the local anchor file is still caught.
"""
import json

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from models import audit, keys
from models.anchor import Anchor
from models.db import session_scope

ARTIFACT_PREFIX = "audit-anchor"
_PAGE = 200


def artifact_key(key_id: str) -> str:
    return f"{ARTIFACT_PREFIX}-{key_id}"


@task(name="publish-audit-anchor", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def publish_audit_anchor() -> int:
    """Publish the current head; returns its sequence number (0 for an empty trail)."""
    with session_scope() as session:
        head = audit.head(session)
    if head is None:
        return 0
    seq, digest = head
    create_table_artifact(
        key=artifact_key(keys.current().key_id),
        table=[{"volgnummer": seq, "hash": digest}],
        description="Kop van het auditspoor: volgnummer en HMAC, geen persoonsgegevens. "
                    "Controle: rechtenloket audit verify --prefect",
    )
    return seq


def published_anchors() -> list[Anchor]:
    """Every head this installation published (under any of its keys), from the Prefect
    API (PREFECT_API_URL)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from sqlmodel import select

    from models.tables import KeyringEntry

    with session_scope() as session:  # retired keys too: their heads anchor the older trail
        known = set(session.exec(select(KeyringEntry.key_id))) | {k.key_id for k in keys.keyring().keys}
    names = [artifact_key(key_id) for key_id in sorted(known)]
    only_ours = ArtifactFilter(key=ArtifactFilterKey(any_=names))
    anchors: list[Anchor] = []
    with get_client(sync_client=True) as client:
        offset = 0
        while True:
            page = client.read_artifacts(artifact_filter=only_ours, limit=_PAGE, offset=offset)
            for artifact in page:
                rows = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
                origin = f"Prefect-artefact {artifact.key}"
                source = f"{origin} van {artifact.created:%Y-%m-%d %H:%M:%S}"
                anchors += [Anchor(int(row["volgnummer"]), str(row["hash"]), source, origin) for row in rows]
            if len(page) < _PAGE:
                return anchors
            offset += _PAGE
