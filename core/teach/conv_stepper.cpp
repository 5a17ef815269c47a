// ConvStepper: step <-> window <-> im2col column <-> output cell arithmetic.
#include "teach/conv_stepper.h"

#include <cmath>
#include <cstdio>

namespace convscope::core {

ConvStepper::ConvStepper(int channels, int height, int width, const WindowParams& params,
                         int filters)
    : m_c(channels), m_h(height), m_w(width), m_m(filters), m_p(params) {
    validate("teaching view", params, channels, height, width, filters);
    const OutputSize out = outputSize(height, width, params);
    m_outH = out.h;
    m_outW = out.w;
}

void ConvStepper::windowOrigin(int step, int& y, int& x) const {
    y = outY(step) * m_p.strideH - m_p.padTop;
    x = outX(step) * m_p.strideW - m_p.padLeft;
}

Im2colInfo ConvStepper::info() const {
    return im2colInfo("teaching", {1, m_c, m_h, m_w}, m_p, m_m);
}

ColSource ConvStepper::source(int row, int step) const {
    ColSource s;
    s.kj = row % m_p.kernelW;
    s.ki = (row / m_p.kernelW) % m_p.kernelH;
    s.channel = row / (m_p.kernelW * m_p.kernelH);
    int y0 = 0, x0 = 0;
    windowOrigin(step, y0, x0);
    s.y = y0 + s.ki * m_p.dilationH;
    s.x = x0 + s.kj * m_p.dilationW;
    s.inside = s.y >= 0 && s.y < m_h && s.x >= 0 && s.x < m_w;
    return s;
}

std::vector<Tap> ConvStepper::window(int step) const {
    std::vector<Tap> taps;
    taps.reserve(std::size_t(allGroupsRows()));
    for (int r = 0; r < allGroupsRows(); ++r) {
        const ColSource s = source(r, step);
        taps.push_back({s.channel, s.ki, s.kj, s.y, s.x, s.inside, r});
    }
    return taps;
}

std::vector<ConvStepper::Entry> ConvStepper::copiesOf(int channel, int y, int x) const {
    std::vector<Entry> entries;
    if (channel < 0 || channel >= m_c || y < 0 || y >= m_h || x < 0 || x >= m_w) return entries;
    for (int ki = 0; ki < m_p.kernelH; ++ki) {
        // y = oy*strideH - padTop + ki*dilationH  =>  oy = (y + padTop - ki*dilationH) / strideH
        const int ny = y + m_p.padTop - ki * m_p.dilationH;
        if (ny < 0 || ny % m_p.strideH) continue;
        const int oy = ny / m_p.strideH;
        if (oy >= m_outH) continue;
        for (int kj = 0; kj < m_p.kernelW; ++kj) {
            const int nx = x + m_p.padLeft - kj * m_p.dilationW;
            if (nx < 0 || nx % m_p.strideW) continue;
            const int ox = nx / m_p.strideW;
            if (ox >= m_outW) continue;
            entries.push_back({row(channel, ki, kj), stepOf(oy, ox)});
        }
    }
    return entries;
}

int ConvStepper::rowCopies(int y) const {
    // Kernel rows ki and output rows oy with oy*strideH - padTop + ki*dilationH == y.
    int count = 0;
    for (int ki = 0; ki < m_p.kernelH; ++ki) {
        const int ny = y + m_p.padTop - ki * m_p.dilationH;
        if (ny >= 0 && ny % m_p.strideH == 0 && ny / m_p.strideH < m_outH) ++count;
    }
    return count;
}

int ConvStepper::colCopies(int x) const {
    int count = 0;
    for (int kj = 0; kj < m_p.kernelW; ++kj) {
        const int nx = x + m_p.padLeft - kj * m_p.dilationW;
        if (nx >= 0 && nx % m_p.strideW == 0 && nx / m_p.strideW < m_outW) ++count;
    }
    return count;
}

int ConvStepper::copyCount(int y, int x) const {
    // The rows and the columns a pixel is read from are independent: the count factorises.
    return rowCopies(y) * colCopies(x);
}

float ConvStepper::colValue(const Tensor& image, int row, int step) const {
    const ColSource s = source(row, step);
    return s.inside ? image.at(0, s.channel, s.y, s.x) : 0.0f;
}

ConvStepper::DotProduct ConvStepper::dot(const Tensor& image, const Tensor& weights,
                                         const std::vector<float>& bias, int m, int step) const {
    DotProduct d;
    const int K = groupRows();
    d.firstRow = groupOfFilter(m) * K;
    d.bias = bias.empty() ? 0.0 : bias[std::size_t(m)];
    d.value = d.bias;
    d.weights.resize(std::size_t(K));
    d.inputs.resize(std::size_t(K));
    const float* w = weights.image(m);  // the filter's K weights, in row order
    for (int k = 0; k < K; ++k) {
        d.weights[std::size_t(k)] = w[k];
        d.inputs[std::size_t(k)] = colValue(image, d.firstRow + k, step);
        d.value += double(w[k]) * d.inputs[std::size_t(k)];
    }
    return d;
}

std::string ConvStepper::formula(const DotProduct& d, int m, int step, int terms) const {
    char buf[96];
    std::snprintf(buf, sizeof buf, "out[%d, %d, %d] = ", m, outY(step), outX(step));
    std::string s = buf;
    const int K = int(d.weights.size());
    for (int k = 0; k < std::min(K, terms); ++k) {
        const double w = d.weights[std::size_t(k)];
        // "a − 0.3·x" rather than "a + -0.3·x"
        const char* sign = k == 0 ? (w < 0 ? "−" : "") : (w < 0 ? " − " : " + ");
        std::snprintf(buf, sizeof buf, "%s%.3g·%.3g", sign, std::fabs(w),
                      double(d.inputs[std::size_t(k)]));
        s += buf;
    }
    if (K > terms) {
        std::snprintf(buf, sizeof buf, " + … (%d products)", K);
        s += buf;
    }
    std::snprintf(buf, sizeof buf, " %s %.3g = %.4g", d.bias < 0 ? "−" : "+", std::fabs(d.bias),
                  d.value);
    return s + buf;
}

}  // namespace convscope::core
