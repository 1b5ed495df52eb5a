#!/usr/bin/env bash
# Refresh the message catalogue after changing UI strings (see api/i18n.py): extract every
# _()/N_() from api/ and templates/, then write locale/nb/LC_MESSAGES/messages.po from the
# Norwegian table in locale/nb_translations.py (fails listing any string without a translation).
set -euo pipefail
cd "$(dirname "$0")/.."
pot="$(mktemp)"
trap 'rm -f "$pot"' EXIT
.venv/bin/pybabel -q extract -F locale/babel.cfg -o "$pot" --no-location --sort-output .
.venv/bin/python locale/nb_translations.py "$pot"
