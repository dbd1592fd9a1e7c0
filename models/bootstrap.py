"""``rechtenloket init``: key, schema and the regions from config/ into the database."""
import os
from pathlib import Path

from sqlmodel import Session, select

from models import anchor, audit, keys, private
from models.keys import MissingKey, generate_master_key
from models.region_config import RegionConfig, file_hash, load_regions
from models.schema import upgrade_database
from models.settings import Settings
from models.tables import Partner, Region

ACTOR = "system:init"


def ensure_key(settings: Settings) -> bool:
    """Write a new master key to var/secret.key unless one is configured. True if written.

    Never for a database that already holds data: a new key would make them unreadable
    (and the audit trail unverifiable). Then the old key must come back from its backup."""
    if settings.secret_key or settings.key_file.exists():
        return False
    from models.db import get_engine

    with get_engine().connect() as connection:
        if keys.database_holds_data(connection):
            raise MissingKey(
                "de database bevat al versleutelde gegevens en er is geen sleutel: 'init' maakt "
                "geen nieuwe sleutel, want daarmee zijn die gegevens niet meer te lezen; zet de "
                f"oorspronkelijke sleutel terug in {keys.ENV_VAR} of in het bestand "
                f"{settings.key_file} (uit de back-up van de sleutel, zie docs/keys.md)"
            )
    private.ensure_dir(settings.data_dir)
    fd = os.open(settings.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(generate_master_key())
    return True


def sync_regions(session: Session, regions: dict[str, RegionConfig], config_dir: Path) -> dict:
    """Upsert regions and partners from config. Partners that left are deactivated, never
    deleted: their registrations and requests still point at them."""
    summary = {"regions": 0, "partners_added": 0, "partners_updated": 0, "partners_deactivated": 0}
    for region in regions.values():
        digest = file_hash(config_dir / "regions" / f"{region.id}.yaml")
        row = session.get(Region, region.id)
        if row is None:
            session.add(Region(id=region.id, name=region.name, config_hash=digest))
        elif row.config_hash == digest:
            continue
        else:
            row.name, row.config_hash = region.name, digest
        session.flush()
        summary["regions"] += 1
        existing = {
            p.slug: p for p in session.exec(select(Partner).where(Partner.region_id == region.id))
        }
        for pc in region.partners:
            values = dict(
                name=pc.name,
                kind=pc.kind.value,
                regime=pc.regime.value,
                unit=pc.unit,
                notification_channel=pc.notification.channel.value,
                notification_address=pc.notification.address,
                active=True,
            )
            partner = existing.pop(pc.slug, None)
            if partner is None:
                session.add(Partner(region_id=region.id, slug=pc.slug, **values))
                summary["partners_added"] += 1
            elif any(getattr(partner, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(partner, k, v)
                summary["partners_updated"] += 1
        for gone in existing.values():
            if gone.active:
                gone.active = False
                summary["partners_deactivated"] += 1
        audit.record(session, ACTOR, "region.loaded", region=region.id, config_sha256=digest)
    return summary


def _tighten_permissions(settings: Settings) -> None:
    """Installations made before the 0700/0600 rule: remove group and other access."""
    from sqlalchemy.engine import make_url

    private.tighten(settings.data_dir)
    paths = [settings.key_file, anchor.anchor_file()]
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        paths += [Path(url.database + suffix) for suffix in ("", "-wal", "-shm")]
    for path in paths:
        private.tighten(path)


def initialise(settings: Settings) -> dict:
    from models.db import get_engine

    regions = load_regions(settings.config_dir)  # validate before touching anything
    private.ensure_dir(settings.data_dir)
    _tighten_permissions(settings)
    key_written = ensure_key(settings)
    upgrade_database()
    with Session(get_engine()) as session:
        keys.ensure_verified(session.connection())  # a wrong key stops here, before any write
        summary = sync_regions(session, regions, settings.config_dir)
        session.commit()
        audit.checkpoint(session)  # a trail re-chained by a migration gets its first anchor
    return {"key_written": key_written, **summary}
