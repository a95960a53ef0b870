#!/usr/bin/env bash
# The logic of the GitHub action in action.yml (it works in any CI with bash
# and curl): downloads the healthy-dns release file for this machine, checks
# it against the release's SHA256SUMS, and runs `healthy-dns check` with it.
#
# Settings, as environment variables (the action's inputs):
#   HDNS_CONFIG       YAML config file for check (--config); optional
#   HDNS_ARGS         more flags for check, split like a shell command line
#                     (quotes group, nothing is expanded or executed)
#   HDNS_WAIT, HDNS_EVERY, HDNS_REQUIRE, HDNS_NAMES, HDNS_FORMAT, HDNS_OUTPUT
#                     check's --wait, --every, --require, --names, --format, --output
#   HDNS_VERSION      release version (0.2.0 or v0.2.0); empty or "latest": the
#                     version tag the action was used at (HDNS_ACTION_REF), else
#                     the repository's latest release
#   HDNS_REPOSITORY   owner/name whose GitHub releases hold the files
#   HDNS_RELEASE_URL  where release files are, as <url>/v<version>/<file>;
#                     default https://github.com/<repository>/releases/download
#                     (a mirror, GitHub Enterprise, or file:// for a local copy)
#   HDNS_PLATFORM     release platform (linux-x64, linux-arm64-musl, darwin-arm64,
#                     windows-x64, ...); default: this machine's
# Exit code: check's own (0 all pass, 1 a name fails, 2 usage, 3 internal
# error), or 3 when the binary cannot be downloaded or fails its checksum.
set -euo pipefail

fail() {
  echo "::error title=healthy-dns action::$*"
  exit 3
}

# This machine as the release files name it: <os>-<arch>[-musl].
detect_platform() {
  local os arch
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux) os=linux ;;
    macOS | Darwin) os=darwin ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) fail "no healthy-dns release for the operating system ${RUNNER_OS:-$(uname -s)}" ;;
  esac
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=x64 ;;
    ARM64 | aarch64 | arm64) arch=arm64 ;;
    *) fail "no healthy-dns release for the architecture ${RUNNER_ARCH:-$(uname -m)}" ;;
  esac
  local platform="$os-$arch"
  if [[ $os == linux ]] && { compgen -G "/lib/ld-musl-*" >/dev/null || ldd --version 2>&1 | grep -qi musl; }; then
    platform+="-musl"
  fi
  echo "$platform"
}

sha256_of() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    fail "neither sha256sum nor shasum is installed"
  fi
}

download() {
  curl --fail --silent --show-error --location --retry 3 --output "$2" "$1" ||
    fail "cannot download $1"
}

repository="${HDNS_REPOSITORY:-}"
version="${HDNS_VERSION:-}"
version="${version#v}"
if [[ -z $version || $version == latest ]]; then
  if [[ ${HDNS_ACTION_REF:-} =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]]; then
    version="${HDNS_ACTION_REF#v}"
  else
    [[ -n $repository ]] || fail "set version: no repository to find the latest release in"
    latest=$(curl --fail --silent --show-error --location --head --output /dev/null \
      --write-out '%{url_effective}' "https://github.com/$repository/releases/latest") ||
      fail "cannot find the latest release of $repository"
    version="${latest##*/tag/v}"
  fi
fi
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$ ]] || fail "\"$version\" is not a release version"

base="${HDNS_RELEASE_URL:-}"
if [[ -z $base ]]; then
  [[ -n $repository ]] || fail "set release-url or repository: nowhere to download from"
  base="https://github.com/$repository/releases/download"
fi
platform="${HDNS_PLATFORM:-$(detect_platform)}"
file="healthy-dns-$version-$platform"
[[ $platform == windows-* ]] && file+=".exe"

dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/healthy-dns-$version-$platform"
mkdir -p "$dir"
download "${base%/}/v$version/SHA256SUMS" "$dir/SHA256SUMS"
expected=$(awk -v name="$file" '$2 == name || $2 == "*" name { print $1 }' "$dir/SHA256SUMS")
[[ -n $expected ]] || fail "release v$version has no $file (SHA256SUMS does not list it)"
# A file verified by an earlier run on this runner is reused; anything else is fetched again.
actual=""
[[ -f $dir/$file ]] && actual=$(sha256_of "$dir/$file")
if [[ $actual != "$expected" ]]; then
  download "${base%/}/v$version/$file" "$dir/$file"
  actual=$(sha256_of "$dir/$file")
fi
if [[ $actual != "$expected" ]]; then
  rm -f "$dir/$file"
  fail "$file does not match SHA256SUMS (sha256 $actual, expected $expected); not running it"
fi
chmod +x "$dir/$file"
echo "healthy-dns $version ($platform): $dir/$file, sha256 $actual verified"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  echo "binary=$dir/$file" >>"$GITHUB_OUTPUT"
  echo "version=$version" >>"$GITHUB_OUTPUT"
fi

args=(check)
[[ -n ${HDNS_CONFIG:-} ]] && args+=(--config "$HDNS_CONFIG")
[[ -n ${HDNS_WAIT:-} ]] && args+=(--wait "$HDNS_WAIT")
[[ -n ${HDNS_EVERY:-} ]] && args+=(--every "$HDNS_EVERY")
[[ -n ${HDNS_REQUIRE:-} ]] && args+=(--require "$HDNS_REQUIRE")
[[ -n ${HDNS_NAMES:-} ]] && args+=(--names "$HDNS_NAMES")
[[ -n ${HDNS_FORMAT:-} ]] && args+=(--format "$HDNS_FORMAT")
[[ -n ${HDNS_OUTPUT:-} ]] && args+=(--output "$HDNS_OUTPUT")
if [[ ${HDNS_ARGS:-} =~ [^[:space:]] ]]; then
  # xargs splits on blanks and honours quotes without running anything.
  while IFS= read -r -d '' arg; do args+=("$arg"); done < <(printf '%s' "$HDNS_ARGS" | xargs printf '%s\0')
fi
exec "$dir/$file" "${args[@]}"
