# shellcheck shell=bash
# Shared set-up for scripts/run, scripts/test and scripts/bench. Source it, then call flowsim_setup.
# Safe to source and to call more than once: each step only acts when something is missing.

flowsim_setup() {
    # Swift toolchain: the image ships it under /opt/swift but not always on PATH.
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "flowsim_setup: swift not found (looked on PATH and in /opt/swift/usr/bin)" >&2
        return 1
    fi

    # GSL (C library used by flowsim) and pkg-config to find it.
    if ! { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsl; }; then
        echo "flowsim_setup: installing libgsl-dev and pkg-config" >&2
        local sudo=""
        if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
            $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libgsl-dev pkg-config ||
            { echo "flowsim_setup: could not install GSL" >&2; return 1; }
        pkg-config --exists gsl || { echo "flowsim_setup: gsl still not found by pkg-config" >&2; return 1; }
    fi
}
