// Preset kernel planes.
#include "teach/kernel_presets.h"

#include <cmath>
#include <numbers>

namespace convscope::core {

const std::vector<PresetInfo>& kernelPresets() {
    static const std::vector<PresetInfo> presets = {
        {KernelPreset::Identity, "Identity",
         "Copies the centre pixel: the output equals the input."},
        {KernelPreset::BoxBlur, "Box blur", "Averages the window: every weight is 1/(kh·kw)."},
        {KernelPreset::GaussianBlur, "Gaussian blur",
         "A weighted average that favours the centre."},
        {KernelPreset::Sharpen, "Sharpen",
         "Adds the difference from the local average back to the pixel."},
        {KernelPreset::SobelX, "Sobel x",
         "Responds to vertical edges: left minus right, smoothed vertically."},
        {KernelPreset::SobelY, "Sobel y",
         "Responds to horizontal edges: top minus bottom, smoothed horizontally."},
        {KernelPreset::Laplacian, "Laplacian",
         "Second derivative: responds to spots and thin lines in any direction."},
        {KernelPreset::Emboss, "Emboss", "A diagonal derivative plus the pixel: a relief effect."},
        {KernelPreset::Gabor0, "Gabor 0°",
         "A striped wave in a Gaussian: like learned first-layer edge filters, vertical stripes."},
        {KernelPreset::Gabor45, "Gabor 45°", "A Gabor filter tuned to stripes at 45 degrees."},
        {KernelPreset::Gabor90, "Gabor 90°", "A Gabor filter tuned to horizontal stripes."},
        {KernelPreset::Gabor135, "Gabor 135°", "A Gabor filter tuned to stripes at 135 degrees."},
    };
    return presets;
}

namespace {

std::vector<float> sampled(int kh, int kw, auto&& f) {
    std::vector<float> plane(std::size_t(kh) * std::size_t(kw));
    const double cy = (kh - 1) / 2.0, cx = (kw - 1) / 2.0;
    for (int i = 0; i < kh; ++i)
        for (int j = 0; j < kw; ++j) plane[std::size_t(i * kw + j)] = float(f(i - cy, j - cx));
    return plane;
}

void normaliseSum(std::vector<float>& p, double target) {
    double s = 0;
    for (float v : p) s += v;
    if (std::fabs(s) > 1e-12)
        for (float& v : p) v = float(v * target / s);
}

void normaliseAbs(std::vector<float>& p, double target) {
    double s = 0;
    for (float v : p) s += std::fabs(v);
    if (s > 1e-12)
        for (float& v : p) v = float(v * target / s);
}

void removeMean(std::vector<float>& p) {
    double s = 0;
    for (float v : p) s += v;
    for (float& v : p) v = float(v - s / double(p.size()));
}

}  // namespace

std::vector<float> presetPlane(KernelPreset preset, int kh, int kw) {
    const bool three = kh == 3 && kw == 3;
    const double sy = std::max(0.5, kh / 4.0), sx = std::max(0.5, kw / 4.0);
    auto gauss = [&](double y, double x) {
        return std::exp(-0.5 * (y * y / (sy * sy) + x * x / (sx * sx)));
    };
    std::vector<float> p;
    switch (preset) {
        case KernelPreset::Identity:
            p.assign(std::size_t(kh * kw), 0.0f);
            p[std::size_t((kh / 2) * kw + kw / 2)] = 1;
            return p;
        case KernelPreset::BoxBlur:
            return std::vector<float>(std::size_t(kh * kw), 1.0f / float(kh * kw));
        case KernelPreset::GaussianBlur:
            p = sampled(kh, kw, gauss);
            normaliseSum(p, 1);
            return p;
        case KernelPreset::Sharpen: {
            p = sampled(kh, kw, gauss);
            normaliseSum(p, 1);
            for (float& v : p) v = -v;
            p[std::size_t((kh / 2) * kw + kw / 2)] += 2;
            return p;
        }
        case KernelPreset::SobelX:
            if (three) return {1, 0, -1, 2, 0, -2, 1, 0, -1};
            p = sampled(kh, kw, [&](double y, double x) { return -x * gauss(y, x); });
            normaliseAbs(p, 8);
            return p;
        case KernelPreset::SobelY:
            if (three) return {1, 2, 1, 0, 0, 0, -1, -2, -1};
            p = sampled(kh, kw, [&](double y, double x) { return -y * gauss(y, x); });
            normaliseAbs(p, 8);
            return p;
        case KernelPreset::Laplacian:
            if (three) return {0, 1, 0, 1, -4, 1, 0, 1, 0};
            p = sampled(kh, kw, [&](double y, double x) {
                const double r2 = y * y / (sy * sy) + x * x / (sx * sx);
                return (r2 - 2) * gauss(y, x);
            });
            removeMean(p);
            normaliseAbs(p, 8);
            return p;
        case KernelPreset::Emboss:
            if (three) return {-2, -1, 0, -1, 1, 1, 0, 1, 2};
            p = sampled(kh, kw, [&](double y, double x) { return (x + y) * gauss(y, x); });
            normaliseAbs(p, 8);
            p[std::size_t((kh / 2) * kw + kw / 2)] += 1;
            return p;
        case KernelPreset::Gabor0:
        case KernelPreset::Gabor45:
        case KernelPreset::Gabor90:
        case KernelPreset::Gabor135: {
            const double theta = std::numbers::pi / 4 * (int(preset) - int(KernelPreset::Gabor0));
            const double lambda = std::max(2.0, std::max(kh, kw) / 2.0);
            p = sampled(kh, kw, [&](double y, double x) {
                const double xr = x * std::cos(theta) + y * std::sin(theta);
                return gauss(y, x) * std::cos(2 * std::numbers::pi * xr / lambda);
            });
            removeMean(p);
            normaliseAbs(p, 4);
            return p;
        }
    }
    return p;
}

Tensor kernelWeights(KernelPreset preset, int filters, int channelsPerGroup, int kh, int kw) {
    Tensor w(filters, channelsPerGroup, kh, kw);
    const std::vector<float> plane = presetPlane(preset, kh, kw);
    for (int m = 0; m < filters; ++m) {
        const int turns = kh == kw ? m % 4 : 0;
        for (int c = 0; c < channelsPerGroup; ++c)
            for (int i = 0; i < kh; ++i)
                for (int j = 0; j < kw; ++j) {
                    int si = i, sj = j;
                    for (int t = 0; t < turns;
                         ++t) {  // rotate a quarter turn: (i, j) <- (j, n-1-i)
                        const int ni = sj, nj = kw - 1 - si;
                        si = ni, sj = nj;
                    }
                    w.at(m, c, i, j) = plane[std::size_t(si * kw + sj)] / float(channelsPerGroup);
                }
    }
    return w;
}

}  // namespace convscope::core
