"""Executes Jupyter notebooks with nbclient, as tests/notebooks.rs does, and fails if a cell raises.

    python tests/run_notebooks.py [--executed DIR] notebooks/1_regional_pass_rates.ipynb ...

Each notebook runs in a fresh python3 kernel of the interpreter running this script (its ipykernel;
a `python3` kernel spec of the user's or the system's is overridden), with the notebook's own
folder as the working directory, and inherits the environment (NQS_OUTPUT,
NQS_EXTRACT, ...). The executed copies are not written back (the committed notebooks stay without
outputs); with `--executed DIR` they are written to DIR, a failed one too, as far as it ran.
Prints one line per notebook and exits with 1 if any failed, with the failing cell's traceback on
stderr.
"""

import json
import os
import pathlib
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(path: pathlib.Path, executed: pathlib.Path | None) -> bool:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as e:
        # IPython colours its tracebacks; the test's message is read as plain text.
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(e))
        print(f"FAILED {path} ({time.monotonic() - start:.1f} s)\n{text}", file=sys.stderr)
        return False
    finally:
        if executed is not None:
            executed.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, executed / path.name)
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"ok {path}: {cells} code cells in {time.monotonic() - start:.1f} s")
    return True


def use_this_interpreter(dir: pathlib.Path) -> None:
    """Puts a `python3` kernel spec running this interpreter first on the Jupyter path, so the
    notebooks see the pinned packages of this environment whatever else is installed."""
    spec = dir / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (nqs tests)",
        "language": "python",
    }))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(dir), os.environ.get("JUPYTER_PATH")]))


def main(args: list[str]) -> int:
    executed = None
    if args[:1] == ["--executed"] and len(args) >= 2:
        executed, args = pathlib.Path(args[1]).resolve(), args[2:]
    if not args:
        print("usage: run_notebooks.py [--executed DIR] NOTEBOOK.ipynb...", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nqs-jupyter-") as dir:
        use_this_interpreter(pathlib.Path(dir))
        results = [run(pathlib.Path(a).resolve(), executed) for a in args]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
