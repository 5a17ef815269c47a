// The model zoo (scripts/make_model_zoo.py): one model of every convolutional classification
// family of torchvision 0.14 plus an encoder-decoder, each imported from ONNX, run in the engine
// on torch's reference input (alone, then twice in a batch of 2) and compared with torch's output;
// OpenCV dnn beside it where it reads the model. Start at kZooModels and kNotYetRunnable.
//
// ctest runs the export first (the fixture test model_zoo_build) and passes the zoo's folder in
// CONVSCOPE_ZOO_DIR. By hand: CONVSCOPE_ZOO_DIR=$(scripts/make_model_zoo.py --print-dir).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/tensor.h"
#include "io/model_import.h"
#include "io/npy.h"
#include "net/network.h"
#include "peers/opencv_reference.h"

using namespace convscope::core;

namespace {

// Every model the script exports (its ZOO list); ManifestListsEveryModel checks the two agree.
const std::vector<std::string> kZooModels = {"alexnet",
                                             "vgg11",
                                             "resnet18",
                                             "resnet50",
                                             "resnext50_32x4d",
                                             "wide_resnet50_2",
                                             "squeezenet1_1",
                                             "densenet121",
                                             "googlenet",
                                             "inception_v3",
                                             "mobilenet_v2",
                                             "mobilenet_v2_opset10",
                                             "mobilenet_v3_small",
                                             "mnasnet0_5",
                                             "shufflenet_v2_x0_5",
                                             "efficientnet_b0",
                                             "efficientnet_v2_s",
                                             "regnet_x_400mf",
                                             "convnext_tiny",
                                             "encoder_decoder"};

// The models the engine cannot run yet (issue 14: the native ONNX importer and the layers of
// modern CNNs are being written). Only these may skip; one that imports, runs and matches torch
// fails until it is removed from here. Empty this set as the layers land.
const std::set<std::string> kNotYetRunnable = {};

// Largest difference to torch, relative to the largest |value| of torch's output (compare()).
constexpr double kMaxRelDiff = 1e-4;

std::string zooDir() {
    const char* dir = std::getenv("CONVSCOPE_ZOO_DIR");
    return dir ? dir : "";
}

using ManifestRow = std::map<std::string, std::string>;

// manifest.tsv: '#' comment lines, a header row of column names, one row per model.
std::map<std::string, ManifestRow> readManifest(const std::string& path) {
    std::ifstream in(path);
    std::map<std::string, ManifestRow> rows;
    std::vector<std::string> columns;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cells;
        std::stringstream s(line);
        for (std::string cell; std::getline(s, cell, '\t');) cells.push_back(cell);
        if (columns.empty()) {
            columns = cells;
            continue;
        }
        ManifestRow row;
        for (std::size_t i = 0; i < columns.size() && i < cells.size(); ++i)
            row[columns[i]] = cells[i];
        rows[row["name"]] = row;
    }
    return rows;
}

// Why the zoo cannot be read, with how to build it; empty when it can.
std::string zooMissing() {
    if (zooDir().empty())
        return "CONVSCOPE_ZOO_DIR is not set: run through ctest (model_zoo_build exports the zoo "
               "first) or set CONVSCOPE_ZOO_DIR=$(scripts/make_model_zoo.py --print-dir)";
    if (!std::filesystem::is_regular_file(zooDir() + "/manifest.tsv"))
        return "the model zoo is not built (" + zooDir() +
               "/manifest.tsv is absent): run /usr/bin/python3 scripts/make_model_zoo.py --out " +
               zooDir() +
               " (needs python3-torch, python3-torchvision, python3-onnx; scripts/run.sh test "
               "installs them)";
    return {};
}

Tensor toTensor(const io::NpyArray& a) {
    std::vector<std::int64_t> d = a.dims;
    while (d.size() < 4) d.push_back(1);  // [n, c] is the engine's n x c x 1 x 1
    Tensor t(Shape{int(d[0]), int(d[1]), int(d[2]), int(d[3])});
    std::copy(a.values.begin(), a.values.end(), t.data());
    return t;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ModelZoo : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST(ModelZooManifest, ListsEveryModel) {
    const std::string manifest = zooDir() + "/manifest.tsv";
    for (const std::string& name : kNotYetRunnable)
        EXPECT_NE(std::find(kZooModels.begin(), kZooModels.end(), name), kZooModels.end())
            << "kNotYetRunnable names '" << name << "', which is not a zoo model";
    if (const std::string why = zooMissing(); !why.empty()) GTEST_SKIP() << why;
    std::set<std::string> listed;
    for (const auto& [name, row] : readManifest(manifest)) listed.insert(name);
    EXPECT_EQ(listed, std::set<std::string>(kZooModels.begin(), kZooModels.end()))
        << "the manifest and kZooModels list different models: update kZooModels to the "
           "script's ZOO";
}

TEST_P(ModelZoo, MatchesTorch) {
    const std::string name = GetParam();
    const std::string dir = zooDir();
    if (const std::string why = zooMissing(); !why.empty()) GTEST_SKIP() << why;
    const std::map<std::string, ManifestRow> manifest = readManifest(dir + "/manifest.tsv");
    ASSERT_TRUE(manifest.count(name)) << dir << "/manifest.tsv has no row for " << name
                                      << "; rebuild the zoo with scripts/make_model_zoo.py";
    const ManifestRow& row = manifest.at(name);
    const std::string model = dir + "/" + name + ".onnx";
    const io::NpyArray inputArray = io::readNpy(dir + "/" + name + ".input.npy");
    const io::NpyArray expectedArray = io::readNpy(dir + "/" + name + ".output.npy");
    ASSERT_EQ(inputArray.dims.size(), 4u) << name << ": the reference input is not NCHW";
    const Tensor input = toTensor(inputArray);
    const bool listed = kNotYetRunnable.count(name) > 0;

    // Import and forward; either may refuse the model. The refusal is the problem line.
    std::string problem;
    double importSeconds = 0, forwardSeconds = 0;
    Tensor output;
    io::ImportedModel imported;
    try {
        const auto start = std::chrono::steady_clock::now();
        imported = io::importModel(model, {}, input.w(), input.h());
        importSeconds = secondsSince(start);
        if (!imported.runnable()) {
            problem = imported.problem;
        } else {
            ForwardContext ctx;
            const auto forwardStart = std::chrono::steady_clock::now();
            output = imported.network->forward(input, ctx);
            forwardSeconds = secondsSince(forwardStart);
        }
    } catch (const Error& e) {
        problem = std::string(toString(e.category())) + ": " + e.what();
    }

    // OpenCV dnn on the same file and input, for the record: whether it reads the model and how
    // far it is from torch. Its own mistakes are not the engine's, so they do not fail the test.
    std::string peer;
    try {
        io::OpenCvNet opencv(model, "");
        const Tensor theirs = opencv.forward(input);
        if (theirs.count() == std::int64_t(expectedArray.values.size())) {
            const Difference d = compare(theirs.span(), expectedArray.values);
            char line[160];
            std::snprintf(line, sizeof line, "reads it, max |diff| to torch %.3g, rel %.3g",
                          d.maxAbs, d.maxRel);
            peer = line;
        } else {
            peer = "reads it, output " + theirs.shape().toString() + " has another size";
        }
    } catch (const Error& e) {
        peer = std::string("fails: ") + e.what();
    }
    if (const std::size_t cut = peer.find('\n'); cut != std::string::npos) peer.resize(cut);
    RecordProperty("opencv_dnn", peer);

    if (!problem.empty()) {
        std::printf("zoo %-20s opset %s: not runnable: %s\n  opencv-dnn %s\n", name.c_str(),
                    row.at("opset").c_str(), problem.c_str(), peer.c_str());
        RecordProperty("problem", problem);
        if (listed) GTEST_SKIP() << "not yet runnable: " << problem;
        FAIL() << name << " does not run in the engine: " << problem
               << " (add it to kNotYetRunnable only if a layer it needs is still missing)";
    }

    ASSERT_EQ(output.count(), std::int64_t(expectedArray.values.size()))
        << name << ": the engine's output " << output.shape().toString() << " and torch's "
        << io::npyShapeString(expectedArray.dims) << " hold different numbers of values";
    // torch's [1, 1000] is the engine's 1x1000x1x1: same values in the same order.
    const Difference d = compare(output.span(), expectedArray.values);
    std::printf(
        "zoo %-20s opset %s: max |diff| %.3g, rel %.3g (limit %.0e) at %lld; import %.2f s, "
        "forward %.2f s\n  opencv-dnn %s\n",
        name.c_str(), row.at("opset").c_str(), d.maxAbs, d.maxRel, kMaxRelDiff,
        static_cast<long long>(d.worstIndex), importSeconds, forwardSeconds, peer.c_str());
    RecordProperty("max_abs_diff", std::to_string(d.maxAbs));
    RecordProperty("max_rel_diff", std::to_string(d.maxRel));
    RecordProperty("import_seconds", std::to_string(importSeconds));
    const bool matches = d.maxRel <= kMaxRelDiff;
    if (listed && matches)
        FAIL() << name << " runs and matches torch (rel " << d.maxRel << "): remove " << name
               << " from kNotYetRunnable";
    if (listed) GTEST_SKIP() << "not yet right: runs but differs from torch by rel " << d.maxRel;
    const std::size_t worst = std::size_t(std::max<std::int64_t>(d.worstIndex, 0));
    EXPECT_LE(d.maxRel, kMaxRelDiff)
        << name << ": max |engine - torch| " << d.maxAbs << " at flat index " << worst
        << " (engine " << output.data()[worst] << ", torch " << expectedArray.values[worst] << ")";

    // The graphs have a dynamic batch axis: two copies of the input in one forward must give
    // torch's output twice (the engine lowers the images side by side into one wider GEMM).
    Tensor pair(Shape{2, input.c(), input.h(), input.w()});
    for (int b = 0; b < 2; ++b)
        std::copy(input.data(), input.data() + input.count(), pair.image(b));
    ForwardContext ctx;
    const Tensor& both = imported.network->forward(pair, ctx);
    ASSERT_EQ(both.count(), 2 * output.count())
        << name << ": batch of 2 gives " << both.shape().toString();
    for (int b = 0; b < 2; ++b) {
        const Difference db =
            compare({both.image(b), std::size_t(both.shape().perImage())}, expectedArray.values);
        EXPECT_LE(db.maxRel, kMaxRelDiff)
            << name << ", image " << b << " of a batch of 2: max |engine - torch| " << db.maxAbs;
    }

    // The depthwise method (its kernel on groups == C layers, direct-simd on the rest) gives
    // torch's output too: the MobileNets, EfficientNets, MnasNet, ShuffleNet and ConvNeXt are
    // where its kernel meets real weights and shapes.
    ForwardContext dw;
    dw.convMethod = ConvMethod::Depthwise;
    const Difference dd = compare(imported.network->forward(input, dw).span(), expectedArray.values);
    EXPECT_LE(dd.maxRel, kMaxRelDiff)
        << name << " by the depthwise method: max |engine - torch| " << dd.maxAbs;
}

INSTANTIATE_TEST_SUITE_P(Torchvision, ModelZoo, ::testing::ValuesIn(kZooModels),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });
