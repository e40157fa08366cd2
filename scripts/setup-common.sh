# Sourced by the setup-*.sh scripts: messages prefixed with SETUP_NAME, and running a command as root.
say() { echo "${SETUP_NAME}: $*"; }
fail() { echo "${SETUP_NAME}: error: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else fail "needs root (or password-less sudo) to run: $*"
  fi
}

# Installs Debian/Ubuntu packages without recommends, after refreshing the package lists.
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
