# Sourced by bin/xent (not a command): the class-data-sharing archive of local runs, and running the JVM with its
# standard error filtered. Expects HERE, JAR, CLASSPATH_FILE, CP and bin/xent's arguments;
# sets CDS (JVM options). RECORD_JVM (set by bin/xent: the JVM and its options up to -cp CP) runs a recording.

# Class-data sharing (JDK 17's dynamic archive) halves a short run's time: the classes Spark loads are mapped from
# one file instead of read, verified and linked from ~300 jars. The archive is made for this jar, classpath and JVM
# (its name holds their checksum, so a rebuilt jar or another JVM means a new one; the old ones are removed then):
# - it exists: mapped (-XX:SharedArchiveFile);
# - it does not: an `evaluate` that succeeded starts, after it has ended, a recording in the background (detached,
#   niced, its output discarded): one evaluation of the digits sample (data/digits/logits.jsonl) run with
#   -XX:ArchiveClassesAtExit into a file of its own, renamed when the JVM has ended, so no run ever maps a
#   half-written archive and nobody waits for the dump (about 3 minutes at load 17 on 2 cores). One recording at
#   a time (a lock folder; one older than 30 minutes is stale). The next run maps the archive.
# XENT_CDS=record records in the foreground instead, at the run's own exit (benchmarks); XENT_CDS=0: no archive;
# XENT_CDS_DIR: where archives are kept (default target/cds).
CDS=(-Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr)
CDS_NEW=""
CDS_RECORD_LATER=""
if [[ "${XENT_CDS:-1}" != 0 ]]; then
  cds_dir="${XENT_CDS_DIR:-$HERE/target/cds}"
  cds_key="$(printf '%s\n' "$CP" "$(stat -c '%s %Y' "$JAR" "$CLASSPATH_FILE")" \
    "$(readlink -f "$(command -v "${JAVA:-java}")")" | cksum | cut -d ' ' -f 1)"
  CDS_ARCHIVE="$cds_dir/xent-$cds_key.jsa"
  if [[ -s "$CDS_ARCHIVE" ]]; then
    CDS+=(-XX:SharedArchiveFile="$CDS_ARCHIVE")
  elif [[ " $* " == *" evaluate "* ]] && mkdir -p "$cds_dir" 2>/dev/null && [[ -w "$cds_dir" ]]; then
    if [[ "${XENT_CDS:-}" == record ]]; then
      find "$cds_dir" -maxdepth 1 -name 'xent-*.jsa' ! -name "xent-$cds_key.jsa" -delete 2>/dev/null || true
      CDS_NEW="$CDS_ARCHIVE.$$.part"
      CDS+=(-XX:ArchiveClassesAtExit="$CDS_NEW")
    elif [[ -s "$HERE/data/digits/logits.jsonl" ]]; then
      CDS_RECORD_LATER=1
    fi
  fi
fi

# Starts the background recording described above, unless one is under way; returns at once.
record_archive_in_background() {
  local lock="$cds_dir/recording.lock"
  find "$cds_dir" -maxdepth 1 -name recording.lock -mmin +30 -exec rm -rf {} + 2>/dev/null || true
  mkdir "$lock" 2>/dev/null || return 0
  local part="$CDS_ARCHIVE.recording.part"
  local detach=(nohup)
  command -v setsid >/dev/null && detach=(setsid)
  # shellcheck disable=SC2016
  "${detach[@]}" nice -n 19 bash -c '
    lock="$1" part="$2" archive="$3" dir="$4" sample="$5"; shift 5
    trap '\''rm -rf "$lock"'\'' EXIT
    rm -f "$dir"/xent-*.part
    if "$@" -XX:ArchiveClassesAtExit="$part" dev.xent.cli.Main evaluate --input "$sample" --group-by split \
        && [[ -s "$part" ]]; then
      find "$dir" -maxdepth 1 -name "xent-*.jsa" ! -name "${archive##*/}" -delete
      mv -f "$part" "$archive"
    else
      rm -f "$part"
    fi' xent-cds "$lock" "$part" "$CDS_ARCHIVE" "$cds_dir" \
    "$HERE/data/digits/logits.jsonl" "${RECORD_JVM[@]}" \
    </dev/null >/dev/null 2>&1 &
}

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
# and for the filter's last byte, keeps a recorded archive or starts a recording, and exits with the JVM's code.
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
  if [[ -n "$CDS_RECORD_LATER" && "$status" == 0 ]]; then record_archive_in_background; fi
  exit "$status"
}
