#!/usr/bin/env bash
# Captures the main staff console pages (360 px and 1280 px, zh-CN and en) into docs/screenshots/staff-*.png
# with the browser tests' staff host and Debian's Chromium: the explicit StaffScreenshots "test".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
ensure_dotnet
ensure_chromium
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test --project tests/LastCall.BrowserTests -- --filter-class 'LastCall.BrowserTests.StaffScreenshots' --explicit only
ls -la docs/screenshots/staff-*
