"""Offline stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test bootstraps pip in each sanity virtual environment by running a cached
``get-pip.py``. That script is fetched from a host outside the package registries this
project may use, so ``make sanity`` places this file in the cache instead. It installs
the interpreter's bundled pip with ``ensurepip`` and then lets pip install what
ansible-test asked for, from the package index configured on the machine.

ensurepip runs in a child process: in-process it points PIP_CONFIG_FILE at /dev/null for
the rest of the process, which would hide the machine's pip configuration.
"""

import subprocess
import sys

GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "pip", "install", *args])


if __name__ == "__main__":
    main()
