# Stamps let a set-up step that succeeded once be skipped until its inputs change.
# A stamp file holds the hash of the step's inputs, written only after the step succeeded.
# Source this file; the functions use no globals.

# inputs_hash TEXT FILE...: one hash over a text (versions, paths) and the contents of files.
inputs_hash() {
    local text=$1
    shift
    { printf '%s\n' "$text"; cat "$@"; } | sha256sum | cut -d' ' -f1
}

# is_stamped STAMP_FILE HASH: true when the step last succeeded with these inputs.
is_stamped() {
    [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]
}

# stamp STAMP_FILE HASH: record a success.
stamp() {
    mkdir -p "$(dirname "$1")"
    printf '%s\n' "$2" >"$1"
}

# npm_ci_once DIR: npm ci in DIR unless it succeeded with this package-lock.json and node.
# npm ci empties node_modules first, so the stamp kept inside it goes with it.
npm_ci_once() {
    local key
    key=$(inputs_hash "$(node --version)" "$1/package-lock.json")
    if is_stamped "$1/node_modules/.portable-fn-npm-ci" "$key"; then
        echo "npm packages in $1 up to date"
        return
    fi
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
    stamp "$1/node_modules/.portable-fn-npm-ci" "$key"
}
