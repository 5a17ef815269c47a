// `--method auto`: per conv layer, the method that runs it fastest on this machine. No single
// method wins everywhere (the ladder shows it: direct-simd on AlexNet's conv1, implicit GEMM on
// wide 3x3 layers, the depthwise kernel on MobileNet's depthwise layers, and the order changes
// between AVX2 and AVX-512), so, as cuDNN's benchmark mode and oneDNN's primitive cache do, the
// candidates are timed once on the layer's own shape when a network is set up for auto
// (Layer::prepare) and the fastest is kept. A choice is remembered for the process by geometry,
// kernel variant and thread count: the identical blocks of a ResNet are timed once.
//
// The teaching views keep im2col + GEMM (what they teach); bench, run and the Profile tab default
// to auto and show each layer's choice with the times behind it (why()).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/isa.h"
#include "base/tensor.h"
#include "conv/methods/registry.h"

namespace convscope::core {

struct ConvLayerData;

struct MethodTime {
    ConvMethod method;
    double ms;  // best of the timed runs, one image
};

struct ConvMethodChoice {
    ConvMethod method = kTeachingConvMethod;  // the fastest candidate
    std::vector<MethodTime> times;            // every candidate timed, fastest first
    Isa isa = Isa::Generic;
    int threads = 1;
    // "fastest of 4 timed at set-up (1 image, 2 threads): direct-simd 1.21 ms, implicit-gemm 1.40,
    // im2col+blocked 1.52, im2col+gemm 1.90"
    std::string why() const;
};

// The methods auto times for a layer: every method of the registry but the direct reference
// (seconds per layer) and auto itself; the depthwise kernel only for depthwise layers (on others
// it runs direct-simd).
std::vector<ConvMethod> autoCandidates(const ConvLayerData& layer);

// The choice for `layer` on inputs of `input`'s c x h x w (its batch is ignored: candidates are
// timed on one image) at the current threadCount() and activeIsa(). Timed on the first call for
// that geometry (each candidate: its weights prepared, one warm run, then the best of up to 5 runs
// within ~40 ms), the same object returned after. Polls `cancelled` between runs and throws
// Error(Cancelled); nothing is remembered then. Thread-safe.
std::shared_ptr<const ConvMethodChoice> chooseConvMethod(
    const ConvLayerData& layer, const Shape& input, const std::function<bool()>& cancelled = {});

// Forgets every remembered choice (tests; a user's "time again"); the file stays.
void forgetConvMethodChoices();

// Remembers choices across runs in `path`, so a layer shape is timed once per machine, not once
// per process (`convscope run` classifies one image: timing would cost it more than it saves).
// Reads the file's choices made on this CPU (by its /proc/cpuinfo model name; other lines and
// damaged ones are ignored) and appends each new choice as it is made. Empty: this process only
// (the default; the app sets its cache file at start, see defaultConvMethodChoiceFile()). A file
// that cannot be read or written only loses the memory, never the run.
void setConvMethodChoiceFile(const std::string& path);
// $CONVSCOPE_METHOD_CACHE when set ("off": none), else $XDG_CACHE_HOME/convscope/conv-methods.txt,
// else ~/.cache/convscope/conv-methods.txt; empty without a home.
std::string defaultConvMethodChoiceFile();

}  // namespace convscope::core
