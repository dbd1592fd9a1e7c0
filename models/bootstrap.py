"""``rechtenloket init``: key, schema and the regions from config/ into the database."""
import os
from pathlib import Path

from sqlmodel import Session, select

from models import audit
from models.crypto import generate_master_key
from models.region_config import RegionConfig, file_hash, load_regions
from models.schema import upgrade_database
from models.settings import Settings
from models.tables import Partner, Region

ACTOR = "system:init"


def ensure_key(settings: Settings) -> bool:
    """Write a new master key to var/secret.key unless one is configured. True if written."""
    if settings.secret_key or settings.key_file.exists():
        return False
    settings.data_dir.mkdir(parents=True, exist_ok=True)
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


def initialise(settings: Settings) -> dict:
    from models.db import get_engine

    regions = load_regions(settings.config_dir)  # validate before touching anything
    key_written = ensure_key(settings)
    upgrade_database()
    with Session(get_engine()) as session:
        summary = sync_regions(session, regions, settings.config_dir)
        session.commit()
    return {"key_written": key_written, **summary}
