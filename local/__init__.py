"""The offline runtime: provisioning from synthesized templates, emulators, dev stack, CLIs.

The Lambda code lives in functions/ (one asset, imported as top-level packages there), so it is put on
sys.path for every `python -m local.*` command, exactly as Lambda puts the asset root on its path.
"""

import os
import signal
import sys
from pathlib import Path

FUNCTIONS_DIR = str(Path(__file__).resolve().parents[1] / "functions")
if FUNCTIONS_DIR not in sys.path:
    sys.path.insert(0, FUNCTIONS_DIR)


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    """Ctrl-C before a command's main() runs (while Python imports boto3, moto, ...): no traceback."""
    os.write(2, b"interrupted\n")
    os._exit(130)


# Only for `python -m local.<command>` (while -m looks the module up, argv[0] is "-m"), never when a test session
# or another program imports local/; local.cli.run puts Python's own handler back before main() runs.
if sys.argv[:1] == ["-m"]:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
