# Sourced by ./gale and examples/run: the start-up cache of a command, a JDK 25 AOT cache (JEP 483, 514, 515: the
# classes a training run loaded, already parsed and linked, and its method profiles), made by a training run the
# first time the command runs after a build and used by every run after that. GALE_AOT_CACHE=off runs without it.
#
# gale_aot_cache FILE TRAIN JAVA_ARGS... (the JVM options and -cp CLASSPATH, as the command runs them, without the
# main class) sets GALE_AOT_FLAGS to the flags that use FILE, none when it cannot be made. TRAIN is a shell
# function that runs the training: it gets the java command (the JDK's java, the flags that record the cache,
# JAVA_ARGS) and adds a main class and its arguments; its standard output is dropped. FILE is made again when it is older
# than a jar of CLASSPATH (a build; a jar added or removed), or when the JDK or JAVA_ARGS differ from the training
# run's (FILE.key holds those). The JVM checks the cache again itself (the JDK build, the class path, the jars'
# sizes and times) and runs without it if any differ; its aot and cds messages are turned off, as by default they
# go to stdout, where the command writes its output. A failed training run leaves FILE.failed and its log in
# FILE.log, and is not tried again until the jars change.
gale_aot_cache() {
  local aot="$1" train="$2" key classpath="" previous="" arg mark tmp stale=""
  shift 2
  GALE_AOT_FLAGS=()
  [ "${GALE_AOT_CACHE:-on}" = off ] && return 0
  for arg in "$@"; do
    [ "$previous" = -cp ] && classpath="$arg"
    previous="$arg"
  done
  key="$JAVA_HOME|$(tr '\n' ' ' < "$JAVA_HOME/release" 2>/dev/null)|$train|$*"
  mark="$aot"
  [ -f "$aot.failed" ] && mark="$aot.failed"
  # the class path's jars, and for a folder of jars (lib/*) the folder itself, whose time changes when a jar is
  # added or removed: one find for them all
  local entries=()
  IFS=: read -r -a entries <<< "$classpath"
  entries=("${entries[@]%/\*}")
  if [ ! -f "$mark" ] || [ "$(cat "$aot.key" 2>/dev/null)" != "$key" ] \
     || [ -n "$(find "${entries[@]}" -maxdepth 1 -newer "$mark" -print -quit 2>/dev/null)" ]; then
    stale=yes
  fi
  if [ -n "$stale" ]; then
    rm -f "$aot" "$aot.failed" "$aot.key"
    tmp="$aot.$$.tmp"
    echo "gale: creating the start-up cache (once after a build)..." >&2
    if "$train" "$JAVA_HOME/bin/java" -XX:AOTCacheOutput="$tmp" -Xlog:aot*=off,cds*=off -Xlog:aot*=warning,cds*=warning:stderr \
         "$@" > /dev/null 2> "$aot.log" && [ -s "$tmp" ]; then
      mv -f "$tmp" "$aot"
    else
      echo "gale: could not create the start-up cache (see $aot.log); running without it" >&2
      touch "$aot.failed"
    fi
    rm -f "$tmp" "$tmp.config"
    echo "$key" > "$aot.key"
  fi
  if [ -f "$aot" ]; then
    GALE_AOT_FLAGS=(-XX:AOTCache="$aot" -Xlog:aot*=off,cds*=off)
  fi
}
