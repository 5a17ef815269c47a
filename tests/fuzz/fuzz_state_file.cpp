// libFuzzer harness: session and lesson files (ui/shell/app_state.h's parseStateFile, Qt Core's
// JSON). A file it accepts must round-trip: written back with sessionBytes/lessonBytes, it reads
// back as the same states.
#include <QByteArray>
#include <QString>
#include <cstdio>
#include <cstdlib>

#include "shell/app_state.h"

namespace {

// The first field where two states differ, for the report.
const char* firstDifference(const convscope::ui::AppState& a, const convscope::ui::AppState& b) {
    if (a.imagePath != b.imagePath) return "image.path";
    if (a.imagePng != b.imagePng) return "image.png";
    if (a.roi != b.roi) return "roi";
    if (!(a.layer == b.layer)) return "layer";
    if (a.weights.shape() != b.weights.shape()) return "weights.shape";
    if (a.bias != b.bias) return "weights.bias";
    if (a.kernelSource != b.kernelSource) return "weights.source";
    if (a.step != b.step || a.filter != b.filter || a.tab != b.tab) return "step, filter or tab";
    if (a.modelPath != b.modelPath || a.modelConfig != b.modelConfig ||
        a.builtInModel != b.builtInModel)
        return "model.path, config or builtIn";
    if (a.modelLayer != b.modelLayer) return "model.layer";
    if (a.caption != b.caption) return "caption";
    return "weights.values or model preprocessing";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace convscope::ui;
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    Lesson lesson;
    bool isLesson = false;
    QString error;
    if (!parseStateFile(bytes, lesson, isLesson, &error)) {
        if (error.isEmpty()) std::abort();  // a refusal always says why
        return 0;
    }
    if (lesson.steps.empty()) std::abort();
    const QByteArray written = isLesson ? lessonBytes(lesson) : sessionBytes(lesson.steps[0]);
    Lesson back;
    bool backIsLesson = !isLesson;
    QString backError;
    if (!parseStateFile(written, back, backIsLesson, &backError)) {
        std::fprintf(stderr, "an accepted file does not read back after saving: %s\n",
                     qPrintable(backError));
        std::abort();
    }
    if (backIsLesson != isLesson || back.title != lesson.title ||
        back.steps.size() != lesson.steps.size())
        std::abort();
    for (std::size_t i = 0; i < back.steps.size(); ++i)
        if (!(back.steps[i] == lesson.steps[i])) {
            std::fprintf(stderr, "step %zu differs after save and reopen: %s\n", i + 1,
                         firstDifference(lesson.steps[i], back.steps[i]));
            std::abort();
        }
    return 0;
}
