"""Build hook: the wheel carries the files of a new book project (``perfeval init``).

The repository's top level is their one source of truth (``_config.yml``, ``notebooks/``,
``data/frameworks/``, the hand-written pages in ``book/``); ``src/perfeval/skeleton/manifest.py`` lists them.
Building the wheel copies them into ``perfeval/skeleton/files/``. Everything else is in pyproject.toml.
"""

import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
MANIFEST = runpy.run_path(str(ROOT / "src" / "perfeval" / "skeleton" / "manifest.py"))


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:   # an editable install reads the files from the checkout
            return
        target = Path(self.build_lib) / "perfeval" / "skeleton" / "files"
        shutil.rmtree(target, ignore_errors=True)
        files = MANIFEST["project_files"](ROOT)
        if "_config.yml" not in files:
            raise SystemExit(f"setup.py: no _config.yml in {ROOT}: the project files are missing (see MANIFEST.in)")
        for rel in files:
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, dest)


setup(cmdclass={"build_py": BuildPy})
