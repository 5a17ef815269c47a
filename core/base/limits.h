// Every size ConvScope refuses above, in one place, each with the reason for its value. A reader
// checks the size a file or a request declares against these before it allocates anything; the
// message names the limit (limitText) and `--help` lists the ones a user can hit (limitsHelp).
// Start at the table below; memoryBudget() is the one limit read from the machine.
#pragma once

#include <cstdint>
#include <string>

namespace convscope::core::limits {

constexpr std::int64_t kMiB = std::int64_t(1) << 20;
constexpr std::int64_t kGiB = std::int64_t(1) << 30;

// --- Images ---
// 64 Mpixel (8192 x 8192, a 6-7x larger photo than a 12 MP phone camera's). Decoded as 16-bit
// RGBA that is 0.5 GiB, and 0.75 GiB more as the engine's 3-channel float tensor; a larger image
// teaches nothing a downscaled one does not. Checked on the size the file's header declares,
// before decoding (io/image_header.h).
constexpr std::int64_t kMaxImagePixels = std::int64_t(1) << 26;
// A file larger than any image of kMaxImagePixels can be (8 bytes per pixel, uncompressed).
constexpr std::int64_t kMaxImageFileBytes = 8 * kMaxImagePixels + 64 * kMiB;

// --- Kernel files (File > Load Kernel) ---
// A teaching kernel, not a layer's worth of weights: 64 is beyond any real kernel (AlexNet's
// 11 x 11 is the largest in the classic nets), 2^22 weights = 16 MiB as float.
constexpr int kMaxKernelSide = 64;
constexpr std::int64_t kMaxKernelWeights = std::int64_t(1) << 22;
// Text kernels (CSV, JSON) of kMaxKernelWeights numbers of up to 15 characters each.
constexpr std::int64_t kMaxKernelFileBytes = 64 * kMiB;

// --- Sessions and lessons ---
// JSON of settings and captions: the shipped lesson is 4 KiB; 16 MiB is a lesson of thousands of
// steps, and parsing it stays well under a second.
constexpr std::int64_t kMaxStateFileBytes = 16 * kMiB;

// --- Arrays (.npy: run --input-npy, the model zoo's tensors) ---
// 2^30 values, 4 GiB as float32: far above any activation the engine runs, far below what a
// corrupt shape could claim.
constexpr std::int64_t kMaxNpyValues = std::int64_t(1) << 30;

// --- Tensors ---
// 2^40
// values: a shape product beyond this is a corrupt or absurd request (and int64 products of six
// dims stay exact below it). Memory is bounded separately by memoryBudget().
constexpr std::int64_t kMaxTensorValues = std::int64_t(1) << 40;
// One dimension of a tensor, an image or a layer: the engine indexes with int.
constexpr std::int64_t kMaxDimension = (std::int64_t(1) << 31) - 1;

// --- Runs ---
// Images per forward (bench --batch, run --input-npy): AlexNet at 1024 needs ~5 GiB of blobs.
constexpr int kMaxBatch = 1024;

// --- Rendering (shot, render, exports, the col-matrix and filter images) ---
// 8192 pixels a side (64 Mpixel, 256 MiB as RGBA): above any screen or print a class needs.
constexpr int kMaxRenderSide = 8192;
// The smallest window a shot or an animation frame draws the views in.
constexpr int kMinRenderSide = 64;
// The col matrix and filter grids as images: one pixel per cell, 64 Mpixel.
constexpr std::int64_t kMaxMatrixImageCells = std::int64_t(1) << 26;
constexpr std::int64_t kMaxFilterGridPixels = std::int64_t(1) << 26;

// --- Memory ---
// The memory one request (a forward at a batch, a rendered frame, a decoded image) may need: 3/4
// of this machine's physical memory, at most 64 GiB, so that the rest of the desktop keeps running;
// CONVSCOPE_MEMORY_MIB overrides it (tests). Read once.
std::int64_t memoryBudget();

// "1.5 GiB", "300 MiB", "12 KiB", "17 bytes": a byte count for messages.
std::string bytesText(std::int64_t bytes);

// Throws Error(ResourceLimit) when `bytes` exceeds memoryBudget(): "<what> needs 9.1 GiB; the
// limit on this machine is 6 GiB (3/4 of its memory): <fix>".
void checkMemory(std::int64_t bytes, const std::string& what, const std::string& fix);

// The limits a user can hit, as lines for --help ("Limits:" and one line per limit).
std::string limitsHelp();

}  // namespace convscope::core::limits
