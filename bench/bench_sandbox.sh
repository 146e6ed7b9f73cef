# Sourced by the bench scripts: the safeddl binary they measure, and their own sandbox server
# `bench` under $WORK, started with it. Needs ROOT, SAFEDDL (may be empty), SKIP_BUILD and WORK
# set, and a `log` function.
#   bench_build_safeddl TAG  unless SAFEDDL names a binary: SAFEDDL = build-bench/'s Release
#                         build, built first unless SKIP_BUILD=1 finds one; TAG names the script
#   bench_sandbox_down    stop it (quietly; fine when it is not there)
#   bench_sandbox_up TAG  stop a leftover, start it (retrying when another sandbox starting at
#                         the same moment takes the port picked), and set CNF to its client.cnf;
#                         TAG names the script in the error message
bench_build_safeddl() {
  if [[ -z "$SAFEDDL" ]]; then
    SAFEDDL=$ROOT/build-bench/src/cli/safeddl
    if [[ "$SKIP_BUILD" != 1 || ! -x "$SAFEDDL" ]]; then
      log "building safeddl (Release) in build-bench/"
      cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DSAFEDDL_BUILD_TESTS=OFF >/dev/null
      cmake --build "$ROOT/build-bench" --target safeddl >/dev/null
    fi
  fi
  [[ -x "$SAFEDDL" ]] || { echo "$1: no safeddl binary at $SAFEDDL" >&2; exit 1; }
}

bench_sandbox_down() { "$SAFEDDL" sandbox down --name bench --dir "$WORK" >/dev/null 2>&1 || true; }

bench_sandbox_up() {
  bench_sandbox_down  # a leftover from an interrupted run
  log "starting sandbox 'bench' under $WORK"
  local attempt
  for attempt in 1 2 3; do
    "$SAFEDDL" sandbox up --name bench --dir "$WORK" --json >"$WORK/sandbox.json" && break
    ((attempt == 3)) && exit 1
    bench_sandbox_down
    sleep 2
  done
  CNF=$(sed -n 's/.*"defaults_file" *: *"\([^"]*\)".*/\1/p' "$WORK/sandbox.json" | head -1)
  [[ -r "$CNF" ]] || { echo "$1: no defaults_file in $WORK/sandbox.json" >&2; exit 1; }
}
