// Turning a network's output into answers: labels files and the top-K classes.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace convscope::core {

struct Prediction {
    int index = 0;
    float score = 0;
    std::string label;  // empty without a labels file
};

// The k highest scores, best first (ties: lower index first). labels may be empty; otherwise it
// must have at least scores.size() entries (see checkLabels).
std::vector<Prediction> topK(std::span<const float> scores, int k,
                             const std::vector<std::string>& labels = {});

// One label per line; blank trailing lines dropped, '\r' stripped. Throws Error(Io) when the file
// cannot be read or is empty.
std::vector<std::string> readLabels(const std::string& path);

// Throws Error(ShapeMismatch) when a labels file has fewer lines than the model has outputs.
void checkLabels(const std::vector<std::string>& labels, std::size_t outputs,
                 const std::string& path);

}  // namespace convscope::core
