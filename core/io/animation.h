// Animated exports: a sequence of RGB frames into a GIF (giflib; each frame gets its own 256-colour
// palette from median-cut quantisation, loops forever) or an MP4 (OpenCV's VideoWriter, MPEG-4
// part 2, which every player reads). The GUI's Export Animation and `convscope render` use it.
#pragma once

#include <memory>
#include <string>

#include "render/filter_grid.h"

namespace convscope::core::io {

class AnimationWriter {
public:
    // The format comes from the extension: .gif or .mp4. Throws Error(InvalidConfig) for another
    // extension, a size outside 2..8192 or fps outside 0.1..120; Error(Io) when the file cannot
    // be created.
    AnimationWriter(const std::string& path, int width, int height, double fps);
    ~AnimationWriter();
    AnimationWriter(const AnimationWriter&) = delete;
    AnimationWriter& operator=(const AnimationWriter&) = delete;

    // Appends a frame of the size given at construction (Error(ShapeMismatch) otherwise).
    void add(const RgbImage& frame);
    // Finishes the file (also done by the destructor, which cannot report errors). Error(Io).
    void close();
    int frames() const { return m_frames; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    int m_frames = 0;
};

}  // namespace convscope::core::io
