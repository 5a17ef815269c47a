// LinkedSelection: one picked element (an input pixel, a col entry, a weight or an output cell)
// and its counterparts in every teaching view, computed by ConvStepper. The views paint the sets;
// the mapping is tested here, without a display.
#pragma once

#include <vector>

#include "teach/conv_stepper.h"

namespace convscope::core {

struct Selection {
    enum class Kind { None, InputPixel, ColEntry, Weight, OutputCell };
    Kind kind = Kind::None;
    int channel = 0, y = 0, x = 0;  // InputPixel
    int row = 0, step = 0;          // ColEntry (row, step); OutputCell (step); Weight (row)
    int filter = 0;                 // Weight and OutputCell: the output channel m

    static Selection pixel(int c, int y, int x) { return {Kind::InputPixel, c, y, x, 0, 0, 0}; }
    static Selection colEntry(int row, int step) { return {Kind::ColEntry, 0, 0, 0, row, step, 0}; }
    static Selection weight(int m, int row) { return {Kind::Weight, 0, 0, 0, row, 0, m}; }
    static Selection output(int m, int step) { return {Kind::OutputCell, 0, 0, 0, 0, step, m}; }
    bool operator==(const Selection&) const = default;
};

// Everything to light up for a selection.
struct Highlights {
    struct Pixel {
        int channel, y, x;
        bool operator==(const Pixel&) const = default;
    };
    std::vector<Pixel> pixels;                // input pixels (padding positions are skipped)
    std::vector<ConvStepper::Entry> entries;  // im2col entries (row, step)
    std::vector<int> columns;                 // whole im2col columns (= steps)
    std::vector<int> rows;                    // whole im2col rows (= kernel taps)
    std::vector<int> weightRows;              // weight columns k of the filter row (GEMM view)
    std::vector<int> outputSteps;             // output cells (of filter `filter`)
    int filter = -1;                          // the GEMM row, -1 for none
};

// A pixel lights every col entry it was copied into, their columns and the outputs those feed;
// a col entry lights its source pixel, its row's weight and its output; a weight lights its im2col
// row (every copy of the pixels it multiplies) and its filter; an output cell lights its receptive
// field, its column and its GEMM row.
Highlights highlightsFor(const ConvStepper& stepper, const Selection& selection);

}  // namespace convscope::core
