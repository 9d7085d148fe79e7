"""Build step: compile the gettext catalogues (`bot/locales/*/LC_MESSAGES/messages.po`) to `.mo`.

Everything else about the package is in pyproject.toml. A regular build compiles into the build
directory (the wheel ships the `.mo` files); an editable install (`pip install -e .`) compiles
beside the sources, which the editable install points to.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


def _compile_catalogues(root: Path) -> None:
    # bot/i18n.py needs only Babel (a build requirement), so it is loaded alone, without the
    # package's other imports.
    spec = importlib.util.spec_from_file_location("_i18n", HERE / "bot" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_catalogues(root)


class BuildWithCatalogues(build_py):
    """build_py, then the `.mo` files from the `.po` files."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            _compile_catalogues(HERE / "bot" / "locales")
        else:
            _compile_catalogues(Path(self.build_lib) / "bot" / "locales")


setup(cmdclass={"build_py": BuildWithCatalogues})
