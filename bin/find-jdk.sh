# Sourced by ./build and ./gale: points JAVA_HOME at a JDK 25 or newer.
# Order: $GALE_JAVA_HOME, $JAVA_HOME, `java` on the PATH, then the usual install folders.

# The feature release of the JDK at $1: from its release file (JAVA_VERSION="25.0.1"), which every JDK build has,
# else by asking its java (a JVM start, some 0.1-1 s, once per JDK looked at).
gale_java_major() {
  local major=""
  [ -f "$1/release" ] && major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  if [ -z "$major" ]; then
    major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  fi
  echo "$major"
}

gale_find_jdk() {
  local candidates=() c major
  [ -n "${GALE_JAVA_HOME:-}" ] && candidates+=("$GALE_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(gale_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  echo "gale: no JDK 25 or newer found (looked at GALE_JAVA_HOME, JAVA_HOME, PATH and /usr/lib/jvm). Install one, e.g. Temurin 25, or set GALE_JAVA_HOME." >&2
  return 1
}

# JVM flags every Gale program needs: the Vector API (incubating), native access for memory-mapped
# weights and Arrow buffers, and what Arrow Java's memory module needs on JDK 25 (java.nio opened,
# sun.misc.Unsafe allowed). Kept in step with gale.jvm.args in pom.xml and dev.gale.encoder.JvmFlags. (No JIT
# flag: the encoder keeps its Vector API kernels out of C1 itself, see cpu/KernelCompilation.java.)
GALE_JVM_FLAGS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# With TORNADOVM_HOME set to a TornadoVM SDK: GALE_TORNADO_FLAGS gets TornadoVM's JVM flags (its argfile,
# less the "." it puts on the module path, which would load any jar in the current directory as a
# module) and GALE_TORNADO_CP the backend's jar. Without an SDK both stay empty.
# Whether the command line "$@" runs something on a TornadoVM device: a --device tornado..., `gale devices`, or
# `gale bench` with any --devices but cpu alone (its default is all). Only those JVMs get TornadoVM's flags, so a
# CPU run is the same JVM with or without an SDK installed.
gale_needs_tornado() {
  local previous="" first="${1:-}" bench_devices=""
  for arg in "$@"; do
    case "$arg" in
      --device=tornado*) return 0 ;;
      --devices=*) bench_devices="${arg#--devices=}" ;;
    esac
    case "$previous" in
      --device) [[ "$arg" == tornado* ]] && return 0 ;;
      --devices) bench_devices="$arg" ;;
    esac
    previous="$arg"
  done
  [ "$first" = devices ] && return 0
  if [ "$first" = bench ]; then
    [ "$bench_devices" = cpu ] && return 1
    return 0
  fi
  return 1
}

gale_tornado_flags() {
  local root="$1"
  GALE_TORNADO_FLAGS=()
  GALE_TORNADO_CP=""
  [ -n "${TORNADOVM_HOME:-}" ] || return 0
  if [ ! -f "$TORNADOVM_HOME/tornado-argfile" ]; then
    echo "gale: TORNADOVM_HOME=$TORNADOVM_HOME has no tornado-argfile; point it at a TornadoVM SDK" >&2
    return 2
  fi
  mkdir -p "$root/tornado/target"
  # TornadoVM's argfile, as its SDK writes it, with two changes: "." off the module path (a jar in the working
  # directory would be loaded as a module), and -XX:+UseParallelGC dropped, so that the JVM keeps Gale's collector
  # (G1, the JVM default: the CPU encoder ran 5-15% slower and used more memory under ParallelGC). What stays, and
  # why TornadoVM needs it: -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI (TornadoVM compiles kernels with Graal
  # through JVMCI; HotSpot's own JIT is unchanged), --enable-preview, -Djava.library.path (its OpenCL/PTX JNI
  # libraries), -Dtornado.load.* (its runtime classes), --module-path / --upgrade-module-path / --add-modules (the
  # TornadoVM modules and the Graal jars), --enable-native-access and the --add-reads/--add-exports/--add-opens
  # lists (Graal and JVMCI internals its compiler reaches into).
  sed -e 's#--module-path \.:#--module-path #' -e '/^-XX:+UseParallelGC$/d' "$TORNADOVM_HOME/tornado-argfile" \
    > "$root/tornado/target/tornado-argfile"
  # one graph for the whole encoder needs more than TornadoVM's default 4 KB of graph bytecode
  GALE_TORNADO_FLAGS=("@$root/tornado/target/tornado-argfile" -Dtornado.tvm.maxbytecodesize=65536)
  GALE_TORNADO_CP=":$root/tornado/target/gale-tornado.jar"
}
