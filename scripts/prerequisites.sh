#!/usr/bin/env bash
# Installs what the tests and benchmarks need on a fresh Debian machine (sourced by scripts/test and .ci/run).

_apt_updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "scripts: need root (or sudo) to install: $*" >&2; return 1
  fi
  if [ "$_apt_updated" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    _apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# PostgreSQL server binaries (initdb, pg_ctl) for the throwaway test cluster, and the postgres user they run as.
ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! id postgres >/dev/null 2>&1; then
    echo "scripts: installing PostgreSQL server packages" >&2
    apt_install postgresql || return 1
  fi
  command -v runuser >/dev/null 2>&1 || apt_install util-linux
}

# Certificates: a TrueType CJK font PDFsharp can embed (WenQuanYi Micro Hei), and pdftotext/pdftoppm,
# which the certificate tests use to read the rendered PDF back.
ensure_certificate_tools() {
  local missing=()
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
  { command -v pdftotext && command -v pdftoppm; } >/dev/null 2>&1 || missing+=(poppler-utils)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "scripts: installing ${missing[*]}" >&2
    apt_install "${missing[@]}" || return 1
  fi
}

# Browser tests: Debian's Chromium, driven by Playwright (which must never download a browser of its own).
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "scripts: installing chromium" >&2
    apt_install chromium || return 1
  fi
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "scripts: the .NET 10 SDK (dotnet) is missing on this machine" >&2; return 1; }
}

# The repository's .NET tools (.config/dotnet-tools.json): Kiota generates a client from the served OpenAPI document
# in the generated-client test (LastCall.Tests.Web.OpenApi.GeneratedClientTests), dotnet-ef makes migrations.
ensure_dotnet_tools() {
  dotnet tool restore >&2 || { echo "scripts: dotnet tool restore failed" >&2; return 1; }
}
