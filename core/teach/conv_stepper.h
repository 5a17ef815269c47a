// ConvStepper: the geometry behind the teaching views. One "step" is one output position; the
// stepper maps it to the input window (receptive field), to its column of the im2col matrix and to
// its output cell, and maps any col entry, input pixel or weight back. The views only paint what
// it says; tests check it against the engine's im2col. Vocabulary as in im2col.h (M, K, N).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"
#include "conv/im2col.h"

namespace convscope::core {

// One kernel tap of a step's window: kernel offset, the input position it reads (possibly in the
// padding), and its row in the im2col matrix.
struct Tap {
    int channel = 0, ki = 0, kj = 0;
    int y = 0, x = 0;     // input coordinates; outside [0,H) x [0,W) means padding
    bool inside = false;  // reads a real pixel (not padding)
    int row = 0;          // k, the im2col row
};

// Where one im2col entry comes from.
struct ColSource {
    int channel = 0, ki = 0, kj = 0;
    int y = 0, x = 0;
    bool inside = false;
};

class ConvStepper {
public:
    ConvStepper() = default;
    // Validates (throws Error like validate()) and precomputes the output size. `filters` is M.
    ConvStepper(int channels, int height, int width, const WindowParams& params, int filters = 1);

    int channels() const { return m_c; }
    int height() const { return m_h; }
    int width() const { return m_w; }
    int filters() const { return m_m; }
    const WindowParams& params() const { return m_p; }
    int outHeight() const { return m_outH; }
    int outWidth() const { return m_outW; }
    // The lowering's figures (M, K per group, N, bytes) as the engine reports them.
    Im2colInfo info() const;
    int steps() const { return m_outH * m_outW; }  // N
    // Rows of the whole col matrix: groups x K.
    int allGroupsRows() const { return m_c * m_p.kernelH * m_p.kernelW; }
    int groupRows() const { return allGroupsRows() / m_p.groups; }  // K: rows per group
    int groupOf(int channel) const { return channel / (m_c / m_p.groups); }
    int groupOfFilter(int m) const { return m / (m_m / m_p.groups); }

    // Step n (row-major over the output) <-> output cell.
    int outY(int step) const { return step / m_outW; }
    int outX(int step) const { return step % m_outW; }
    int stepOf(int oy, int ox) const { return oy * m_outW + ox; }

    // im2col row of (channel, ki, kj), and back.
    int row(int channel, int ki, int kj) const {
        return (channel * m_p.kernelH + ki) * m_p.kernelW + kj;
    }
    ColSource source(int row, int step) const;

    // The window of a step over every channel (C·kh·kw taps, in row order).
    std::vector<Tap> window(int step) const;
    // The window's top-left corner in input coordinates (may be negative: padding).
    void windowOrigin(int step, int& y, int& x) const;

    // Every (row, step) whose col entry is a copy of input pixel (channel, y, x): the pixel's
    // duplicates. Empty for a pixel no window reads.
    struct Entry {
        int row, step;
    };
    std::vector<Entry> copiesOf(int channel, int y, int x) const;
    // How many col entries copy pixel (y, x) of one channel (the same for every channel):
    // rowCopies(y) * colCopies(x), the (kernel row, output row) and (kernel column, output column)
    // pairs that read it.
    int copyCount(int y, int x) const;
    int rowCopies(int y) const;
    int colCopies(int x) const;

    // The value of col[row][step] for an image (1 x C x H x W), without building the matrix.
    float colValue(const Tensor& image, int row, int step) const;

    // out[m, step] = bias[m] + sum over the filter's group rows of w * col, and its terms.
    struct DotProduct {
        double value = 0;
        double bias = 0;
        std::vector<float> weights, inputs;  // aligned, groupRows() of each
        int firstRow = 0;                    // first im2col row of the filter's group
    };
    DotProduct dot(const Tensor& image, const Tensor& weights, const std::vector<float>& bias,
                   int m, int step) const;
    // "out[m, y, x] = Σ w·x + b = value" with up to `terms` products spelled out.
    std::string formula(const DotProduct& d, int m, int step, int terms = 4) const;

private:
    int m_c = 0, m_h = 0, m_w = 0, m_m = 1;
    WindowParams m_p;
    int m_outH = 0, m_outW = 0;
};

}  // namespace convscope::core
