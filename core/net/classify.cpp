// Labels and top-K.
#include "net/classify.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "base/error.h"
#include "base/limits.h"

namespace convscope::core {

std::vector<Prediction> topK(std::span<const float> scores, int k,
                             const std::vector<std::string>& labels) {
    std::vector<int> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t n = std::min<std::size_t>(std::size_t(std::max(k, 0)), order.size());
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(n), order.end(),
                      [&](int a, int b) {
                          return scores[std::size_t(a)] > scores[std::size_t(b)] ||
                                 (scores[std::size_t(a)] == scores[std::size_t(b)] && a < b);
                      });
    std::vector<Prediction> result;
    for (std::size_t i = 0; i < n; ++i) {
        const int idx = order[i];
        result.push_back(
            {idx, scores[std::size_t(idx)],
             std::size_t(idx) < labels.size() ? labels[std::size_t(idx)] : std::string()});
    }
    return result;
}

std::vector<std::string> readLabels(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error(ErrorCategory::Io, "labels file '" + path + "' does not exist");
    if (std::filesystem::is_directory(path, ec))
        throw Error(ErrorCategory::Io, "'" + path + "' is a folder, not a labels file (one class "
                                                   "name per line)");
    if (const auto size = std::filesystem::file_size(path, ec);
        !ec && std::int64_t(size) > limits::kMaxStateFileBytes)
        throw Error(ErrorCategory::ResourceLimit,
                    "labels file '" + path + "' is " + limits::bytesText(std::int64_t(size)) +
                        "; a labels file holds one class name per line, up to " +
                        limits::bytesText(limits::kMaxStateFileBytes));
    std::ifstream in(path);
    if (!in) throw Error(ErrorCategory::Io, "cannot open labels file '" + path + "'");
    std::vector<std::string> labels;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        labels.push_back(line);
    }
    while (!labels.empty() && labels.back().empty()) labels.pop_back();
    if (labels.empty()) throw Error(ErrorCategory::Io, "labels file '" + path + "' is empty");
    return labels;
}

void checkLabels(const std::vector<std::string>& labels, std::size_t outputs,
                 const std::string& path) {
    if (labels.size() < outputs)
        throw Error(ErrorCategory::ShapeMismatch,
                    "labels file '" + path + "' has " + std::to_string(labels.size()) +
                        " lines but the model has " + std::to_string(outputs) +
                        " outputs; give one label per output, in order");
}

}  // namespace convscope::core
