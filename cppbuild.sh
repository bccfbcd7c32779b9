#!/usr/bin/env bash
# The one description of how Bale's native library, libbale.so (native/src, header in
# native/include), is compiled and linked. Two ways in:
#
#   ./cppbuild.sh standalone
#       For C++ users: target/native/libbale.so and the examples in native/example (decode_one,
#       read_batch, dump_records) beside it, runnable in place. Asks Maven only for the OpenCV and
#       OpenBLAS jars (versions stay in pom.xml), and asks again only when pom.xml changes or a jar is gone.
#
#   cppbuild.sh maven LIBDIR
#       What `mvn package` / `mvn test` run, through the org.bytedeco:javacpp plugin's buildCommand
#       (execution "cppbuild" in loader/pom.xml), before the plugin's own execution compiles the JNI glue for
#       dev.bale.nativ.BaleNative. Puts libbale.so in LIBDIR, the classes folder next to that glue:
#       the glue links against it there, and JavaCPP's Loader finds it there (or in the jar) at run
#       time. The plugin passes the jars it resolved in $PLATFORM_ARTIFACTS and the platform in $PLATFORM.
#
# libjpeg is the system's libjpeg-turbo (Debian: libjpeg62-turbo-dev), for decoding only a region of a
# JPEG (native/src/jpeg_region.cpp): the jar's OpenCV bundles its own libjpeg-turbo but hides its
# symbols, so the two cannot clash; libbale.so needs libjpeg.so.62 from the system's library path.
#
# OpenCV is the one the bytedeco opencv jar ships, never a system one, so that libbale.so and the
# Java bindings load the same libraries. Its headers and the three libraries used are unpacked into
# target/native/sdk, which the JNI step in pom.xml also compiles and links against. The jars hold
# only versioned libraries (libopencv_core.so.413): unversioned links are added so that -l works.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
native="$root/target/native"
sdk="$native/sdk"

# -ffp-contract=off: no fused multiply-adds in our arithmetic, so results match a Java reference
# that makes the same OpenCV calls bit for bit; no -ffast-math for the same reason.
cxxflags=(-std=c++17 -O2 -ffp-contract=off -fPIC -fvisibility=hidden -Wall -Wextra)
opencv_libs=(opencv_imgcodecs opencv_imgproc opencv_core)
examples=(decode_one read_batch dump_records)  # native/example/NAME.cpp
# The JDK's jar tool unpacks the jars: any machine that builds the Java side has it.
jar_tool=jar
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jar" ]] && jar_tool="$JAVA_HOME/bin/jar"

die() {
  echo "cppbuild.sh: $*" >&2
  exit 1
}

# The jar of artifact $1 for the platform, from the colon-separated list $2.
platform_jar() {
  local jar
  local IFS=':'
  for jar in $2; do
    [[ "$(basename "$jar")" == "$1"-*-"$platform".jar ]] && { echo "$jar"; return; }
  done
  die "no $1 jar for $platform among the dependencies"
}

# Unpacks headers and libraries from the opencv and openblas jars into $sdk, unless the same jars
# were unpacked there before.
unpack_sdk() {
  local opencv_jar=$1 openblas_jar=$2
  local stamp="$sdk/unpacked-from"
  # By file name, which carries the version: Maven's copy and the standalone build's copy are the same jar.
  local unpacked="$(basename "$opencv_jar") $(basename "$openblas_jar")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$unpacked" ]]; then
    return
  fi
  rm -rf "$sdk"
  mkdir -p "$sdk/unpack" "$sdk/include" "$sdk/lib"
  local opencv="org/bytedeco/opencv/$platform" openblas="org/bytedeco/openblas/$platform"
  local lib_entries
  lib_entries=$("$jar_tool" tf "$opencv_jar" | grep -E "^$opencv/lib($(IFS='|'; echo "${opencv_libs[*]}"))\.so\.[0-9]+$") \
    || die "no OpenCV libraries in $opencv_jar"
  (
    cd "$sdk/unpack"
    # shellcheck disable=SC2086 # one entry per word
    "$jar_tool" xf "$opencv_jar" "$opencv/include/" $lib_entries
    # OpenBLAS, which the OpenCV presets inherit: the JNI glue includes its headers and links
    # -lopenblas; libopencv_core needs libopenblas.so.0, which needs the Fortran runtime libraries.
    "$jar_tool" xf "$openblas_jar" "$openblas/include/" "$openblas/libopenblas.so.0" "$openblas/libgfortran.so.5" \
      "$openblas/libquadmath.so.0"
  )
  mv "$sdk/unpack/$opencv/include/"* "$sdk/unpack/$openblas/include/"* "$sdk/include/"
  mv "$sdk/unpack/$opencv/"lib*.so.* "$sdk/unpack/$openblas/"lib*.so.* "$sdk/lib/"
  rm -rf "$sdk/unpack"
  local lib
  for lib in "$sdk/lib/"*.so.*; do
    ln -sf "$(basename "$lib")" "${lib%.so.*}.so"
  done
  echo "$unpacked" > "$stamp"
}

# Builds $1/libbale.so unless it is newer than everything it is made from. Extra linker flags follow.
build_library() {
  local out="$1/libbale.so"
  shift
  local inputs=("$root/native/src/"*.cpp "$root/native/include/bale/"*.h "$root/cppbuild.sh" "$sdk/unpacked-from")
  local newest
  newest=$(ls -t "${inputs[@]}" | head -n 1)
  if [[ -f "$out" && "$out" -nt "$newest" ]]; then
    return
  fi
  mkdir -p "$(dirname "$out")"
  printf '#include <cstdio>\n#include <jpeglib.h>\n' | g++ -E -x c++ - >/dev/null 2>&1 \
    || die "libjpeg-turbo's headers are missing (Debian: apt-get install libjpeg62-turbo-dev)"
  local link=()
  local lib
  for lib in "${opencv_libs[@]}"; do link+=("-l$lib"); done
  g++ "${cxxflags[@]}" -DBALE_BUILDING_LIBRARY -I"$root/native/include" -I"$sdk/include/opencv4" \
    -shared -Wl,-soname,libbale.so -Wl,--no-undefined -o "$out" "$root/native/src/"*.cpp \
    -L"$sdk/lib" "${link[@]}" -ljpeg "$@"
}

# Builds the example program native/example/$1.cpp into target/native, linked to the libbale.so
# there, unless it is newer than everything it is made from.
build_example() {
  local out="$native/$1" source="$root/native/example/$1.cpp"
  local newest
  newest=$(ls -t "$source" "$root/native/include/bale/"*.h "$native/libbale.so" "$root/cppbuild.sh" | head -n 1)
  if [[ -f "$out" && "$out" -nt "$newest" ]]; then
    return
  fi
  g++ "${cxxflags[@]}" -I"$root/native/include" -o "$out" "$source" \
    -L"$native" -lbale -Wl,-rpath,'$ORIGIN' -Wl,-rpath-link,"$sdk/lib"
}

# The value of property $1 in the top-level pom.xml, with ${javacpp.version} filled in.
pom_property() {
  local value javacpp
  value=$(sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -n 1)
  javacpp=$(sed -n 's:.*<javacpp.version>\(.*\)</javacpp.version>.*:\1:p' "$root/pom.xml" | head -n 1)
  [[ -n "$value" ]] || die "no <$1> in pom.xml"
  echo "${value//\$\{javacpp.version\}/$javacpp}"
}

# The opencv and openblas jars for the platform, copied into $native/jars by Maven (versions stay in
# pom.xml); asks Maven again only when pom.xml changes or a jar is gone. -N: the top-level pom alone,
# so that no module is built or resolved.
standalone_jars() {
  local dir="$native/jars" opencv openblas
  opencv="org.bytedeco:opencv:$(pom_property opencv.version):jar:$platform"
  openblas="org.bytedeco:openblas:$(pom_property openblas.version):jar:$platform"
  if [[ ! -f "$dir/stamp" || "$root/pom.xml" -nt "$dir/stamp" || "$(cat "$dir/stamp")" != "$opencv $openblas" ]] \
    || ! ls "$dir"/opencv-*-"$platform".jar "$dir"/openblas-*-"$platform".jar >/dev/null 2>&1; then
    rm -rf "$dir"
    mkdir -p "$dir"
    local artifact
    for artifact in "$opencv" "$openblas"; do
      (cd "$root" && mvn -q -B -N -Dstyle.color=never dependency:copy -Dartifact="$artifact" -DoutputDirectory="$dir") \
        || die "Maven could not fetch $artifact"
    done
    echo "$opencv $openblas" > "$dir/stamp"
  fi
  local jars=("$dir"/*.jar)
  (IFS=':'; echo "${jars[*]}")
}

mode=${1:-}
case "$mode" in
  maven)
    [[ $# -eq 2 ]] || die "usage: cppbuild.sh maven LIBDIR"
    platform=${PLATFORM:?PLATFORM is set by the javacpp Maven plugin}
    jars=${PLATFORM_ARTIFACTS:?PLATFORM_ARTIFACTS is set by the javacpp Maven plugin}
    unpack_sdk "$(platform_jar opencv "$jars")" "$(platform_jar openblas "$jars")"
    # In the JVM, JavaCPP has loaded OpenCV and OpenBLAS before libbale.so: nothing to find at run time.
    build_library "$2"
    ;;
  standalone)
    echo "cppbuild.sh: building target/native: libbale.so ${examples[*]}"
    platform=${PLATFORM:-linux-x86_64}
    mkdir -p "$native"
    jars=$(standalone_jars)
    unpack_sdk "$(platform_jar opencv "$jars")" "$(platform_jar openblas "$jars")"
    # Found beside each other, with no LD_LIBRARY_PATH: libbale.so looks in sdk/lib. It also names
    # libopenblas.so.0 itself, so the loader finds it there before libopencv_core.so asks for it
    # (that library's own search path is the machine it was built on).
    build_library "$native" -Wl,-rpath,'$ORIGIN/sdk/lib' -Wl,--no-as-needed -lopenblas
    for example in "${examples[@]}"; do
      build_example "$example"
    done
    ;;
  *)
    die "usage: ./cppbuild.sh standalone | cppbuild.sh maven LIBDIR (run by Maven)"
    ;;
esac
