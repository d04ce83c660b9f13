from __future__ import annotations

import importlib
import importlib.resources

import scaffold


def test_every_exported_name_resolves_and_nothing_else_is_public() -> None:
    for name in scaffold.__all__:
        assert getattr(scaffold, name) is not None
    assert sorted(dir(scaffold)) == sorted(scaffold.__all__)


def test_exports_are_the_objects_of_their_home_modules() -> None:
    assert scaffold.recommend is importlib.import_module("scaffold.engine").recommend
    assert scaffold.create_project is importlib.import_module("scaffold.project").create_project


def test_package_ships_its_type_marker() -> None:
    assert (importlib.resources.files("scaffold") / "py.typed").is_file()
