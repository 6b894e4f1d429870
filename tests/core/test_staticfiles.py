"""Production static files: the maps' ES module imports point at the hashed shared module."""

import re
import shutil
from pathlib import Path

from core.staticfiles import StaticFilesStorage

JS = Path(__file__).resolve().parents[2] / "static" / "js"


def test_module_imports_name_the_hashed_shared_module(tmp_path):
    source = tmp_path / "source" / "js"
    shutil.copytree(JS, source)
    storage = StaticFilesStorage(location=tmp_path / "out", base_url="/static/")
    names = sorted(f"js/{path.name}" for path in source.iterdir())
    for name in names:
        with (source.parent / name).open("rb") as handle:
            storage.save(name, handle)

    found = {name: (storage, name) for name in names}
    list(storage.post_process(found))

    shared = storage.stored_name("js/map-common.js")
    assert re.fullmatch(r"js/map-common\.[0-9a-f]{12}\.js", shared)
    for page_script in ("js/map-leaflet.js", "js/program-map.js"):
        with storage.open(storage.stored_name(page_script)) as handle:
            text = handle.read().decode()
        assert f'from "./{shared.removeprefix("js/")}"' in text
        assert 'from "./map-common.js"' not in text


def test_the_map_loads_its_leaflet_module_by_the_address_the_page_gives():
    """map.js imports map-leaflet.js when the map comes into view: by the hashed address from the
    template, never by a relative name that the manifest cannot rewrite."""
    text = (JS / "map.js").read_text(encoding="utf-8")
    assert "import(data.mapModule)" in text
    assert 'import("./' not in text
