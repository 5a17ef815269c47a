// Darknet network descriptions (.cfg) checked before OpenCV reads them. OpenCV 4.6's Darknet
// reader trusts every number in the file: it divides by `groups` and `stride`, indexes its
// layer list with `route`/`shortcut`/`from` and a YOLO `mask`, multiplies sizes in 32-bit ints
// and reads as many weights as the cfg asks for without looking at the .weights file's length.
// A zero, a stray index or a short weights file crashed the process or left garbage weights.
// checkDarknetModel() walks the cfg the way OpenCV does (the same grammar and the same number
// parsing) and refuses, naming the line and the fix, whatever OpenCV would not survive.
#pragma once

#include <cstdint>
#include <string>

namespace convscope::core::io {

// The input the cfg's [net] section gives OpenCV (its defaults, 3 x 416 x 416, where unset).
struct DarknetInput {
    int channels = 0, height = 0, width = 0;
};

// Returns the declared input. Throws Error(InvalidConfig) for an impossible layer setting, Error(Io) for a .weights file
// shorter than the cfg needs. weightsBytes: the .weights file's size, -1 when there is none
// (then only the cfg is checked); weightsHeader: its first 8 bytes (major and minor version,
// which decide the header's length), may be empty when weightsBytes < 8.
DarknetInput checkDarknetModel(const std::string& cfgText, const std::string& cfgPath,
                                std::int64_t weightsBytes, const std::string& weightsHeader,
                                const std::string& weightsPath);

}  // namespace convscope::core::io
