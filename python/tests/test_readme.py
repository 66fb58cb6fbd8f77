"""The README's Python examples run as written, in an empty directory."""

import pathlib
import re
import subprocess
import sys

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    return re.findall(r"^```python\n(.*?)^```", README.read_text(), flags=re.S | re.M)


def test_the_readme_has_python_examples():
    assert python_blocks()


def test_the_readme_python_examples_run(tmp_path):
    for number, block in enumerate(python_blocks()):
        script = tmp_path / f"example_{number}.py"
        script.write_text(block)
        result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, f"README block {number}:\n{block}\n{result.stderr}"
