"""The README's configuration table tells an operator about every setting Loket reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_in_settings_is_in_the_readme():
    settings_source = (ROOT / "loket" / "settings.py").read_text()
    names = set(re.findall(r"env(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", settings_source))
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))

    assert "DATABASE_URL" in names
    assert names - documented == set(), "add these to the configuration table in README.md"
