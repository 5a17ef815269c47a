// The whole app state as data: what a session file saves and what each step of a lesson is (the
// image, its region, the layer and its weights, the animation step, the tab, the model and layer
// of the network side, a caption). JSON in and out, checked field by field: a hand-edited file
// that is wrong gives one message naming the field and what it must be, and nothing is applied.
// MainWindow captures and applies it; this file has no widgets.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QRect>
#include <QString>
#include <vector>

#include "io/model_import.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

struct AppState {
    // The image: a file (imagePath), embedded PNG bytes (imagePng), or both empty for the
    // built-in photo.
    QString imagePath;
    QByteArray imagePng;
    QRect roi;
    LayerSettings layer;
    // The weights in use (M x C/groups x kh x kw) and bias; empty weights mean "the preset's".
    core::Tensor weights;
    std::vector<float> bias;
    QString kernelSource;  // non-empty for a learned filter or a kernel file
    int step = 0, filter = 0;
    int tab = 0;  // MainWindow::Tab
    // The network side: a model file (and config), or a built-in net's name; the layer shown.
    QString modelPath, modelConfig, builtInModel, modelLayer;
    core::io::Preprocessing preprocessing;
    QString caption;  // one or two sentences (lessons)

    bool operator==(const AppState& other) const;
};

// A lesson: a title and its steps, each a full state with a caption.
struct Lesson {
    QString title;
    std::vector<AppState> steps;
};

QJsonObject toJson(const AppState& state);
// Throws nothing: on a bad field returns false and sets `error` ("step 3: 'layer.strideH' must be
// an integer from 1 to 64").
bool fromJson(const QJsonObject& json, AppState& state, QString* error);

// Files: {"convscope": "session", "version": 1, "state": {...}} and
// {"convscope": "lesson", "version": 1, "title": "...", "steps": [...]}.
QByteArray sessionBytes(const AppState& state);
QByteArray lessonBytes(const Lesson& lesson);
// Reads either kind. `isLesson` says which it was. False with the reason on any problem.
bool parseStateFile(const QByteArray& bytes, Lesson& lesson, bool& isLesson, QString* error);
// The file at `path`, checked first (missing, a folder, above limits::kMaxStateFileBytes), then
// parseStateFile. The one way the window and `convscope render --session` read one.
bool readStateFile(const QString& path, Lesson& lesson, bool& isLesson, QString* error);

// The lesson that ships with the app (resources/lessons/basics.json).
Lesson builtInLesson();

}  // namespace convscope::ui
