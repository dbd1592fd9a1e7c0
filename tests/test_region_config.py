"""Region files: all five load and match their source documents in what every region shares,
and a broken file fails with the file and the key named. What is particular to one region is
checked in tests/regions/test_<region>.py."""
import shutil

import pytest
import yaml

from models.enums import Regime, RequestType, RoutingTarget
from models.region_config import ConfigError, RegionConfig, load_region_file, load_regions
from tests.regions.conftest import collapse

REGIONS = {"rotterdam-rijnmond", "fryslan", "drenthe", "utrecht", "hollands-midden"}


def test_all_five_regions_load(project_root):
    regions = load_regions(project_root / "config")
    assert set(regions) == REGIONS


def _region(project_root, region_id) -> RegionConfig:
    return load_region_file(project_root / "config" / "regions" / f"{region_id}.yaml")


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_region_file_loads_and_validates(project_root, region_id):
    cfg = _region(project_root, region_id)
    assert isinstance(cfg, RegionConfig)
    assert cfg.id == region_id
    assert set(cfg.rights) == set(RequestType)


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_source_file_exists(project_root, seeds_dir, region_id):
    cfg = _region(project_root, region_id)
    assert (seeds_dir / cfg.source.file).is_file()


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_every_partner_name_occurs_in_the_seed(project_root, seeds_dir, region_id):
    cfg = _region(project_root, region_id)
    seed = collapse((seeds_dir / cfg.source.file).read_text(encoding="utf-8"))
    missing = [p.name for p in cfg.partners if collapse(p.name) not in seed]
    assert missing == [], f"partner names not in {cfg.source.file}: {missing}"


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_every_police_and_om_partner_has_its_routing_bodies(project_root, region_id):
    cfg = _region(project_root, region_id)
    kinds = {p.regime for p in cfg.partners}
    assert Regime.wpg in kinds and Regime.wjsg in kinds, "police and OM supply data in every region"
    for p in cfg.partners:
        if p.regime == Regime.wpg:
            # the unit's own Wpg-loket and privacyfunctionaris, not a national fallback
            for target in (RoutingTarget.wpg_loket, RoutingTarget.politie_privacyfunctionaris):
                body = cfg.routing_body(target, p.unit)
                assert body is not None and body.unit == p.unit, (p.slug, target)
        if p.regime == Regime.wjsg:
            parket = cfg.routing_body(RoutingTarget.parket_privacyfunctionaris, p.unit)
            assert parket is not None and parket.unit == p.unit, p.slug
            pg = cfg.routing_body(RoutingTarget.parket_generaal_bjz, p.unit)
            assert pg is not None and pg.unit is None, p.slug  # one national body
            assert "Postbus 20305" in pg.address
    # inzage and correctie go to the unit's loket / parket, verzet to the privacyfunctionaris / PG-BJZ
    for rtype in (RequestType.inzage, RequestType.correctie):
        assert cfg.routing.wpg.targets[rtype] == RoutingTarget.wpg_loket
        assert cfg.routing.wjsg.targets[rtype] == RoutingTarget.parket_privacyfunctionaris
    assert cfg.routing.wpg.targets[RequestType.verzet] == RoutingTarget.politie_privacyfunctionaris
    assert cfg.routing.wjsg.targets[RequestType.verzet] == RoutingTarget.parket_generaal_bjz
    assert not cfg.rights[RequestType.overdraagbaarheid].available


def _broken_copy(tmp_path, project_root, mutate):
    src = project_root / "config" / "regions" / "drenthe.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    mutate(data)
    target = tmp_path / "regions" / "drenthe.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda d: d["deadlines"].pop("suspend_for_identity"), "deadlines.suspend_for_identity"),
        (lambda d: d["deadlines"]["periods"]["inzage"].update(weeks="vier"), "deadlines.periods.inzage.weeks"),
        (lambda d: d["deadlines"]["periods"].pop("verzet"), "periods"),
        (lambda d: d["letterhead"].pop("phone"), "letterhead.phone"),
        (lambda d: d["signatory"].pop("name"), "signatory.name"),
        (lambda d: d["partners"][0].pop("bestuursorgaan"), "partners.0.bestuursorgaan"),
        (lambda d: d["partners"][0].pop("bezwaar"), "partners.0"),
        (lambda d: d["refusal_grounds"].pop(), "refusal_grounds"),
        (lambda d: d["refusal_grounds"][0].update(uavg="k"), "refusal_grounds.0.uavg"),
        (lambda d: d["partners"][0].update(kind="bakkerij"), "partners.0.kind"),
        (lambda d: d["signatory"].update(colour="blauw"), "signatory.colour"),
        (lambda d: d["rights"]["inzage"].update(forum="kroegoverleg"), "rights.inzage.forum"),
        (lambda d: d["partners"].append(dict(d["partners"][0])), "partners"),
    ],
)
def test_broken_region_file_names_file_and_key(tmp_path, project_root, mutate, key):
    path = _broken_copy(tmp_path, project_root, mutate)
    with pytest.raises(ConfigError) as err:
        load_region_file(path)
    message = str(err.value)
    assert str(path) in message
    assert key in message


def test_file_name_must_match_id(tmp_path, project_root):
    src = project_root / "config" / "regions" / "drenthe.yaml"
    (tmp_path / "regions").mkdir()
    shutil.copy(src, tmp_path / "regions" / "drente.yaml")
    with pytest.raises(ConfigError, match=r"drente.yaml: key 'id'"):
        load_regions(tmp_path)


def test_not_yaml(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="x.yaml: not valid YAML"):
        load_region_file(bad)
