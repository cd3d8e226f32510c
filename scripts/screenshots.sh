#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png from `npm run preview`, and the local console's from a
# local stack told the demo (scripts/console-screenshots.ts): a documentation tool, not part
# of the test suite. Needs Debian's chromium, and Java for the console's DynamoDB Local;
# pngquant and optipng make the files smaller when they are installed.
#
#   bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ]; then
  echo "screenshots.sh: Chromium is not installed. On Debian/Ubuntu, as root:" >&2
  echo "  apt-get update && apt-get install -y chromium pngquant optipng" >&2
  echo "(or set CHROMIUM=/path/to/chromium)" >&2
  exit 1
fi
export CHROMIUM

npm run --silent preview

# <preview name>: the emails and answer pages shown in the README.
shots=(
  confirmation-en
  reminder-en
  reschedule-en
  cancellation-en
  follow-up-en
  check-in-en
  confirmation-de
  confirmation-en-no-profile
  confirmation-de-no-profile
  missed-en
  missed-de
  plan-nudge-en
  plan-nudge-de
  follow-up-en-plan-complete
  follow-up-de-plan-complete
  answer-attendance-en
  answer-check-in-en
  answer-check-in-escalation-en
  answer-attendance-de
  answer-check-in-de
  answer-check-in-escalation-de
)

mkdir -p docs/screenshots
npx tsx scripts/screenshots.ts preview docs/screenshots "${shots[@]}"

# The local console, its front page and the demo booking's timeline: shown in the README's local-stack section.
npx tsx scripts/console-screenshots.ts docs/screenshots
shots+=(console console-booking)

if command -v pngquant >/dev/null; then
  for name in "${shots[@]}"; do
    pngquant --force --skip-if-larger --strip --quality=70-95 --output "docs/screenshots/$name.png" "docs/screenshots/$name.png" || true
  done
else
  echo "screenshots.sh: pngquant not found (apt-get install -y pngquant): keeping full-colour PNGs" >&2
fi
if command -v optipng >/dev/null; then
  for name in "${shots[@]}"; do optipng -quiet -o2 "docs/screenshots/$name.png"; done
fi

limit=$((250 * 1024))
for name in "${shots[@]}"; do
  size=$(stat -c %s "docs/screenshots/$name.png")
  printf '%-50s %4d KB\n' "docs/screenshots/$name.png" $((size / 1024))
  if [ "$size" -gt "$limit" ]; then
    echo "screenshots.sh: docs/screenshots/$name.png is larger than 250 KB" >&2
    exit 1
  fi
done
