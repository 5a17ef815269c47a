// FftConv: kernel spectra once, input spectra per forward, products summed per filter, inverse.
#include "peers/fft_conv.h"

#include <opencv2/core.hpp>

#include "base/error.h"
#include "base/timing.h"

namespace convscope::core::io {

struct FftConv::Impl {
    Shape input;
    WindowParams p;
    int M = 0, Cg = 0, fh = 0, fw = 0, outH = 0, outW = 0;
    std::vector<cv::Mat> kernelSpectra;  // M * Cg, CCS-packed fh x fw
    std::vector<float> bias;
};

FftConv::FftConv(const Shape& in, const WindowParams& p, const Tensor& w,
                 const std::vector<float>& bias) {
    // Checked before anything is allocated; the Impl is owned from the start, so a throw below
    // (OpenCV, an allocation) frees it too.
    if (p.dilationH != 1 || p.dilationW != 1)
        throw Error(ErrorCategory::InvalidConfig, "the FFT rung does not support dilation");
    m_impl = std::make_unique<Impl>();
    Impl& d = *m_impl;
    d.input = in;
    d.p = p;
    d.M = w.n();
    d.Cg = w.c();
    const OutputSize out = outputSize(in.h, in.w, p);
    d.outH = out.h;
    d.outW = out.w;
    // Circular cross-correlation equals the linear one for every output that needs no wrap-around
    // when the transform covers the padded input.
    d.fh = cv::getOptimalDFTSize(in.h + p.padTop + p.padBottom);
    d.fw = cv::getOptimalDFTSize(in.w + p.padLeft + p.padRight);
    d.bias = bias.empty() ? std::vector<float>(std::size_t(d.M), 0.0f) : bias;
    d.kernelSpectra.resize(std::size_t(d.M) * std::size_t(d.Cg));
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < d.M * d.Cg; ++i) {
        cv::Mat plane = cv::Mat::zeros(d.fh, d.fw, CV_32F);
        const float* k = w.data() + std::int64_t(i) * w.h() * w.w();
        for (int y = 0; y < w.h(); ++y)
            for (int x = 0; x < w.w(); ++x) plane.at<float>(y, x) = k[y * w.w() + x];
        cv::dft(plane, d.kernelSpectra[std::size_t(i)]);
    }
}

FftConv::~FftConv() = default;

Tensor FftConv::forward(const Tensor& input) {
    Impl& d = *m_impl;
    const WindowParams& p = d.p;
    const int G = p.groups, Mg = d.M / G;
    Tensor out(input.n(), d.M, d.outH, d.outW);
    for (int b = 0; b < input.n(); ++b) {
        std::vector<cv::Mat> inputSpectra(std::size_t(input.c()));
#pragma omp parallel for schedule(dynamic)
        for (int c = 0; c < input.c(); ++c) {
            cv::Mat plane = cv::Mat::zeros(d.fh, d.fw, CV_32F);
            const cv::Mat src(
                input.h(), input.w(), CV_32F,
                const_cast<float*>(input.image(b)) + std::int64_t(c) * input.h() * input.w());
            src.copyTo(plane(cv::Rect(p.padLeft, p.padTop, input.w(), input.h())));
            cv::dft(plane, inputSpectra[std::size_t(c)]);
        }
#pragma omp parallel for schedule(dynamic)
        for (int m = 0; m < d.M; ++m) {
            const int g = m / Mg;
            cv::Mat sum = cv::Mat::zeros(d.fh, d.fw, CV_32F), product;
            for (int c = 0; c < d.Cg; ++c) {
                cv::mulSpectrums(inputSpectra[std::size_t(g * d.Cg + c)],
                                 d.kernelSpectra[std::size_t(m * d.Cg + c)], product, 0,
                                 true);  // conj: correlation, as CNNs compute it
                sum += product;
            }
            cv::Mat full;
            cv::dft(sum, full, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
            // The transform computed every stride-1 position; a stride keeps one in s².
            float* dst = out.image(b) + std::int64_t(m) * d.outH * d.outW;
            for (int oy = 0; oy < d.outH; ++oy)
                for (int ox = 0; ox < d.outW; ++ox)
                    dst[oy * d.outW + ox] =
                        full.at<float>(oy * p.strideH, ox * p.strideW) + d.bias[std::size_t(m)];
        }
    }
    return out;
}

double FftConv::timeMs(const Tensor& input, int warmup, int repeat) {
    return timeRuns(warmup, repeat, [&](int) { forward(input); }).medianMs;
}

}  // namespace convscope::core::io
