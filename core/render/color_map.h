// Colour maps for the views: sequential for activations and pixels, diverging for weights and
// signed outputs; a colour-blind-safe variant of each. Maps a value in [lo, hi] to 8-bit RGB.
#pragma once

#include <cstdint>

namespace convscope::core {

enum class ColorMapKind {
    Sequential,     // viridis-like: dark blue -> green -> yellow (colour-blind safe by design)
    Diverging,      // blue -> white -> red around 0
    DivergingSafe,  // blue -> white -> orange: distinguishable with red-green colour blindness
};

struct Rgb {
    std::uint8_t r, g, b;
};

// t in [0, 1] (clamped).
Rgb colorAt(ColorMapKind kind, double t);
// Sequential: lo..hi -> 0..1. Diverging: symmetric around 0 using max(|lo|, |hi|).
Rgb mapValue(ColorMapKind kind, double value, double lo, double hi);

}  // namespace convscope::core
