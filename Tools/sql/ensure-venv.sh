#!/bin/sh
# Tools/sql/ensure-venv.sh VENV REQUIREMENTS [PYTHON]: makes VENV hold exactly what REQUIREMENTS
# pins, for `make sql-venv` and `make spark-venv`.
#
# Quick when nothing changed: a copy of the requirements file is kept in VENV after a successful
# install, and an identical copy means there is nothing to do. Otherwise pip installs what is
# missing or at another version (pip skips what already matches). On Debian, `python3 -m venv`
# needs the python3-venv package; it is installed with apt-get when missing (sudo when not root).
set -eu
venv=$1
requirements=$2
python=${3:-python3}

if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/.requirements.txt"; then
	exit 0
fi

if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "==> installing python3-venv with apt-get (for $python -m venv)"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
fi

echo "==> installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
cp "$requirements" "$venv/.requirements.txt"
