# Sourced by bin/xent (not a command): the class-data-sharing archive of local runs, and running the JVM with its
# standard error filtered. Expects HERE, JAR, CLASSPATH_FILE, CP and bin/xent's arguments; sets CDS (JVM options).

# The archive for this jar, classpath and JVM: mapped when it exists. A run with XENT_CDS=record records one at its
# exit (-XX:ArchiveClassesAtExit, written under a name of its own and renamed when the JVM has ended, so runs at the
# same time never read a half-written archive); only an `evaluate` that succeeded leaves it (one that ran Spark).
# Recording is not automatic: the dump at exit took 80 s on a loaded 2-core machine, which pushed a first run past a
# test's time limit. Archives of other keys are stale and removed when one is recorded. XENT_CDS=0: no archive.
CDS=(-Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr)
CDS_NEW=""
if [[ "${XENT_CDS:-1}" != 0 ]]; then
  cds_dir="${XENT_CDS_DIR:-$HERE/target/cds}"
  cds_key="$(printf '%s\n' "$CP" "$(stat -c '%s %Y' "$JAR" "$CLASSPATH_FILE")" \
    "$(readlink -f "$(command -v "${JAVA:-java}")")" | cksum | cut -d ' ' -f 1)"
  CDS_ARCHIVE="$cds_dir/xent-$cds_key.jsa"
  if [[ -s "$CDS_ARCHIVE" ]]; then
    CDS+=(-XX:SharedArchiveFile="$CDS_ARCHIVE")
  elif [[ "${XENT_CDS:-}" == record && " $* " == *" evaluate "* ]] && mkdir -p "$cds_dir" 2>/dev/null && [[ -w "$cds_dir" ]]; then
    find "$cds_dir" -maxdepth 1 -name 'xent-*.jsa' ! -name "xent-$cds_key.jsa" -delete 2>/dev/null || true
    CDS_NEW="$CDS_ARCHIVE.$$.part"
    CDS+=(-XX:ArchiveClassesAtExit="$CDS_NEW")
  fi
fi

# Standard error without the JVM's "WARNING: Using incubator modules" line (the Vector API is xent's choice, not
# something a user can act on); every other byte passes unchanged, as it comes.
without_incubator_warning() {
  local first
  if IFS= read -r first; then
    [[ "$first" == "WARNING: Using incubator modules"* ]] || printf '%s\n' "$first"
    exec cat
  fi
  [[ -z "${first:-}" ]] || printf '%s' "$first"
}

# Runs the JVM command given, its standard error through the filter; passes TERM, INT and HUP on to it, waits for it
# and for the filter's last byte, keeps a recorded archive, and exits with the JVM's code.
run_java() {
  local java_pid filter_pid status
  exec 3> >(without_incubator_warning >&2)
  filter_pid=$!
  exec 4<&0
  "$@" <&4 2>&3 3>&- 4<&- &
  java_pid=$!
  exec 3>&- 4<&-
  trap 'kill -TERM "$java_pid" 2>/dev/null' TERM INT HUP
  while :; do
    status=0
    wait "$java_pid" || status=$?
    kill -0 "$java_pid" 2>/dev/null || break
  done
  trap - TERM INT HUP
  wait "$filter_pid" 2>/dev/null || true
  if [[ -n "$CDS_NEW" ]]; then
    if [[ "$status" == 0 && -s "$CDS_NEW" ]]; then mv -f "$CDS_NEW" "$CDS_ARCHIVE"; else rm -f "$CDS_NEW"; fi
  fi
  exit "$status"
}
