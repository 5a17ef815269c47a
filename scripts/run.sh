#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs the Debian packages ConvScope needs
# (only the missing ones), builds, then starts the app or runs the tests.
#
#   scripts/run.sh app [ARGS...]   Release build, then start convscope (GUI on its defaults)
#   scripts/run.sh test            Release build with warnings as errors, then every test (ctest)
#   scripts/run.sh sanitize        ASan+UBSan build, then every test
#   scripts/run.sh fuzz [SECONDS]  Clang + libFuzzer + ASan+UBSan build, then every fuzz harness
#                                  (tests/fuzz) for SECONDS each (default 60); fails on a finding
#
# Run as root or as a user with sudo (for apt-get). Build trees: build/, build-asan/, build-fuzz/.
set -euo pipefail

mode=${1:-}
[ $# -gt 0 ] && shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# To build and start the app (the ONNX library reads .onnx files). oneDNN and XNNPACK (peers of
# the method ladder) are optional; oneDNN's CMake package needs the OpenCL headers, only a
# Recommends of libdnnl-dev, and xnnpack.h needs pthreadpool.h, which libxnnpack-dev lacks.
packages=(build-essential cmake ninja-build pkg-config
          qt6-base-dev qt6-svg-dev libgl-dev libeigen3-dev libopencv-dev libgif-dev
          libonnx-dev libprotobuf-dev protobuf-compiler
          libdnnl-dev ocl-icd-opencl-dev libxnnpack-dev libpthreadpool-dev xvfb xauth)
# To run every test as well: gtest, benchmarks, the ONNX node tests, images, emulated CPUs for the
# kernel variants (qemu-user); OpenBLAS, the blocked GEMM's peer (bench, test_blas_gemm); file,
# for CPack to compute the .deb's dependencies; PyTorch, torchvision, ONNX and NumPy for the
# model zoo (scripts/make_model_zoo.py, run by the test model_zoo_build: 40 s to 2.5 min and
# 1.6 GB in ~/.cache/convscope, once per script version).
test_packages=(libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libonnx-testdata imagemagick file
               libopenblas-dev
               qemu-user python3-torch python3-torchvision python3-onnx python3-numpy)

install_missing() {  # install_missing PACKAGE...
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "run.sh: installing ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "run.sh: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {  # build DIR [CMAKE ARGS...]
    local dir=$1
    shift
    cmake -S "$root" -B "$root/$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
    cmake --build "$root/$dir" -j "$jobs"
}

case "$mode" in
    app)
        install_missing "${packages[@]}"
        build build -DCONVSCOPE_BUILD_TESTS=OFF -DCONVSCOPE_BUILD_BENCH=OFF
        if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ $# -eq 0 ]; then
            echo "run.sh: no display (DISPLAY/WAYLAND_DISPLAY unset); starting under xvfb-run." >&2
            exec xvfb-run -a "$root/build/app/convscope" "$@"
        fi
        exec "$root/build/app/convscope" "$@"
        ;;
    test)
        install_missing "${packages[@]}" "${test_packages[@]}"
        build build -DCONVSCOPE_BUILD_TESTS=ON -DCONVSCOPE_BUILD_BENCH=ON -DCONVSCOPE_WERROR=ON
        cd "$root/build"
        ctest --output-on-failure -j "$jobs" --timeout 600
        ;;
    sanitize)
        install_missing "${packages[@]}" "${test_packages[@]}"
        build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVSCOPE_SANITIZE=ON \
            -DCONVSCOPE_BUILD_UI=ON -DCONVSCOPE_BUILD_BENCH=OFF -DCONVSCOPE_WERROR=ON
        cd "$root/build-asan"
        # Every test but the model zoo's: the GUI's threads (engine thread, capture thread, async
        # jobs) are where a dangling reference hides (one did, in the method ladder). OpenMP's,
        # OpenCV's and Qt's thread pools keep allocations alive until exit by design: no leak
        # check. The zoo (label zoo) runs in the Release tree only: its 18 models (1.6 GB of
        # weights) run the layers the other tests run here, for minutes more.
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
            ctest --output-on-failure -j "$jobs" --timeout 900 -LE zoo
        ;;
    fuzz)
        # Clang for libFuzzer (libclang-rt-14-dev holds it and the sanitizer runtimes) and its
        # OpenMP (libomp-dev); gtest for the seed writer's test models. No UI: the session harness
        # needs only Qt Core (and the Gui and Concurrent headers, in qt6-base-dev).
        install_missing "${packages[@]}" clang libclang-rt-14-dev libomp-dev libgtest-dev
        seconds=${1:-60}
        CC=clang CXX=clang++ build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -DCONVSCOPE_FUZZ=ON -DCONVSCOPE_BUILD_UI=OFF \
            -DCONVSCOPE_BUILD_TESTS=OFF -DCONVSCOPE_BUILD_BENCH=OFF -DCONVSCOPE_WERROR=ON
        exec "$root/tests/fuzz/run_fuzzers.sh" "$root/build-fuzz" "$seconds"
        ;;
    *)
        echo "usage: scripts/run.sh app [ARGS...] | test | sanitize | fuzz [SECONDS]" >&2
        exit 2
        ;;
esac
