# Sourced by the training benchmark scripts. run NAME SEED FLAGS…: one `langevin train` into $OUT/NAME/seed=SEED with
# $COMMON and FLAGS; skipped when finished, resumed when interrupted; the log $OUT/NAME-SEED.log is appended to.
# Needs BIN (the langevin binary), OUT and COMMON.
run() {
  local name=$1 seed=$2; shift 2
  local dir="$OUT/$name/seed=$seed"
  if [ -f "$dir/summary.json" ]; then return 0; fi
  local resume=""; if [ -f "$dir/checkpoint.bin" ]; then resume="--resume"; fi
  "$BIN" train $COMMON --seed "$seed" "$@" $resume --out "$dir" >> "$OUT/$name-$seed.log" 2>&1 || true
}

# side_by_side FN…: runs each queue function in the background (one torch thread each) and waits for all of them.
side_by_side() {
  local queue
  for queue in "$@"; do "$queue" & done
  wait
  echo "done: $(date -u)"
}
