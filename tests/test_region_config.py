"""Region files: all five load, and a broken file fails with the file and the key named."""
import shutil

import pytest
import yaml

from models.enums import Regime, RequestType, RoutingTarget
from models.region_config import ConfigError, load_region_file, load_regions

REGIONS = {"rotterdam-rijnmond", "fryslan", "drenthe", "utrecht", "hollands-midden"}


def test_all_five_regions_load(project_root):
    regions = load_regions(project_root / "config")
    assert set(regions) == REGIONS


@pytest.mark.parametrize("region_id", sorted(REGIONS))
def test_every_police_and_om_partner_has_its_routing_bodies(project_root, region_id):
    cfg = load_region_file(project_root / "config" / "regions" / f"{region_id}.yaml")
    kinds = {p.regime for p in cfg.partners}
    assert Regime.wpg in kinds and Regime.wjsg in kinds, "police and OM supply data in every region"
    for p in cfg.partners:
        if p.regime == Regime.wpg:
            assert cfg.routing_body(RoutingTarget.wpg_loket, p.unit)
            assert cfg.routing_body(RoutingTarget.politie_privacyfunctionaris, p.unit)
        if p.regime == Regime.wjsg:
            assert cfg.routing_body(RoutingTarget.parket_privacyfunctionaris, p.unit)
            assert cfg.routing_body(RoutingTarget.parket_generaal_bjz, p.unit)
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
        (lambda d: d["deadlines"].update(protocol_weeks="vier"), "deadlines.protocol_weeks"),
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
