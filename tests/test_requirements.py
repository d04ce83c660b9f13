from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.errors import InvalidRequirementError, RequirementsFileError
from scaffold.requirements import FIELDS, Requirements, load_requirements_file


def test_defaults_are_neutral_and_every_field_is_described() -> None:
    defaults = Requirements()
    assert [field.name for field in FIELDS] == list(defaults.to_mapping())
    for field in FIELDS:
        assert field.check(field.default) == getattr(defaults, field.name)


def test_mapping_round_trips() -> None:
    requirements = Requirements(kind="web", traffic="high", concurrency=True, endpoints=12)
    assert Requirements.from_mapping(requirements.to_mapping()) == requirements


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "desktop"}, "invalid requirement kind='desktop': expected one of api, web"),
        ({"traffic": 3}, "invalid requirement traffic=3"),
        ({"concurrency": "yes"}, "expected true or false"),
        ({"endpoints": 0}, "expected a whole number of at least 1"),
        ({"endpoints": True}, "expected a whole number"),
        ({"colour": "blue"}, "invalid requirement colour='blue': expected one of the names kind"),
    ],
)
def test_bad_values_and_unknown_names_are_rejected(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRequirementError, match=message.replace("(", r"\(")):
        Requirements.from_mapping(data)


def test_yaml_and_toml_files_are_read(tmp_path: Path) -> None:
    yaml_file = tmp_path / "req.yaml"
    yaml_file.write_text("kind: api\nconcurrency: true\nendpoints: 30\n")
    toml_file = tmp_path / "req.toml"
    toml_file.write_text('kind = "api"\nconcurrency = true\nendpoints = 30\n')
    expected = {"kind": "api", "concurrency": True, "endpoints": 30}
    assert load_requirements_file(yaml_file) == expected
    assert load_requirements_file(toml_file) == expected


def test_answers_file_of_a_generated_project_yields_its_requirements(tmp_path: Path) -> None:
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text(
        "_commit: v0.1.0\nframework: flask\nrequirements:\n  kind: web\n  html: true\n"
    )
    assert load_requirements_file(answers) == {"kind": "web", "html": True}


def test_empty_file_means_no_requirements(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_requirements_file(empty) == {}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.yaml", None, "No such file or directory"),
        ("list.yaml", "- kind\n- web\n", "expected a mapping"),
        ("broken.yaml", "kind: [unclosed\n", "not valid"),
        ("broken.toml", "kind = \n", "not valid"),
        ("binary.yaml", b"\xff\xfe\x00kind", "not UTF-8 text"),
    ],
)
def test_unreadable_files_raise_one_clear_error(
    tmp_path: Path, name: str, content: str | bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(RequirementsFileError, match=reason) as info:
        load_requirements_file(path)
    assert "\n" not in str(info.value)
