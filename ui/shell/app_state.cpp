// AppState <-> JSON, session and lesson files.
#include "shell/app_state.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>
#include <limits>

#include "base/limits.h"
#include "io/kernel_files.h"
#include "io/read_file.h"
#include "teach/kernel_presets.h"

namespace convscope::ui {

namespace {

constexpr int kFileVersion = 1;

bool sameTensor(const core::Tensor& a, const core::Tensor& b) {
    if (a.shape() != b.shape()) return false;
    for (std::int64_t i = 0; i < a.count(); ++i)
        if (a.data()[i] != b.data()[i] && !(std::isnan(a.data()[i]) && std::isnan(b.data()[i])))
            return false;
    return true;
}

// Reads fields of one object, remembering the first problem with its path ("layer.strideH").
class Reader {
public:
    Reader(const QJsonObject& o, QString path, QString* error)
        : m_o(o), m_path(std::move(path)), m_error(error) {}

    bool ok() const { return m_error->isEmpty(); }
    bool has(const char* key) const { return m_o.contains(QLatin1String(key)); }
    QString where(const char* key) const {
        return m_path.isEmpty() ? QLatin1String(key)
                                : m_path + QLatin1Char('.') + QLatin1String(key);
    }
    void fail(const char* key, const QString& what) {
        if (ok()) *m_error = QStringLiteral("'%1' %2").arg(where(key), what);
    }
    int integer(const char* key, int fallback, int min, int max) {
        if (!has(key)) return fallback;
        const QJsonValue v = m_o.value(QLatin1String(key));
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || d != std::floor(d) || d < min || d > max) {
            fail(key, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
            return fallback;
        }
        return int(d);
    }
    double number(const char* key, double fallback) {
        if (!has(key)) return fallback;
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isDouble() || !std::isfinite(v.toDouble())) {
            fail(key, QStringLiteral("must be a finite number"));
            return fallback;
        }
        return v.toDouble();
    }
    bool boolean(const char* key, bool fallback) {
        if (!has(key)) return fallback;
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isBool()) fail(key, QStringLiteral("must be true or false"));
        return v.toBool(fallback);
    }
    QString string(const char* key) {
        if (!has(key)) return {};
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isString()) fail(key, QStringLiteral("must be a string"));
        return v.toString();
    }
    QJsonObject object(const char* key) {
        if (!has(key)) return {};
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isObject()) fail(key, QStringLiteral("must be an object"));
        return v.toObject();
    }
    // A list of finite numbers of the given length (-1: any).
    std::vector<double> numbers(const char* key, int length) {
        std::vector<double> out;
        if (!has(key)) return out;
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isArray()) {
            fail(key, QStringLiteral("must be a list of numbers"));
            return out;
        }
        for (const QJsonValue& x : v.toArray()) {
            if (!x.isDouble() || !std::isfinite(x.toDouble())) {
                fail(key, QStringLiteral("must hold only finite numbers"));
                return {};
            }
            out.push_back(x.toDouble());
        }
        if (length >= 0 && int(out.size()) != length) {
            fail(key,
                 QStringLiteral("must have %1 numbers, it has %2").arg(length).arg(out.size()));
            return {};  // callers may index up to `length`
        }
        return out;
    }

    // numbers() that each fit a float (a double such as 1e300 would not).
    std::vector<float> floats(const char* key, int length) {
        const std::vector<double> v = numbers(key, length);
        for (double x : v)
            if (std::fabs(x) > double(std::numeric_limits<float>::max())) {
                fail(key, QStringLiteral("must hold numbers within ±3.4e38 (32-bit floats)"));
                return {};
            }
        return std::vector<float>(v.begin(), v.end());
    }

    // numbers() that are each a whole number from min to max, checked as doubles before the
    // conversion (3e52 converted to int would be undefined behaviour).
    std::vector<int> integers(const char* key, int length, int min, int max) {
        const std::vector<double> v = numbers(key, length);
        for (double x : v)
            if (x != std::floor(x) || x < min || x > max) {
                fail(key, QStringLiteral("must hold whole numbers from %1 to %2").arg(min).arg(max));
                return {};
            }
        return std::vector<int>(v.begin(), v.end());
    }

private:
    QJsonObject m_o;
    QString m_path;
    QString* m_error;
};

QJsonArray array(const std::vector<float>& v) {
    QJsonArray a;
    for (float x : v) a.append(double(x));
    return a;
}

}  // namespace

bool AppState::operator==(const AppState& o) const {
    return imagePath == o.imagePath && imagePng == o.imagePng && roi == o.roi && layer == o.layer &&
           sameTensor(weights, o.weights) && bias == o.bias && kernelSource == o.kernelSource &&
           step == o.step && filter == o.filter && tab == o.tab && modelPath == o.modelPath &&
           modelConfig == o.modelConfig && builtInModel == o.builtInModel &&
           modelLayer == o.modelLayer && preprocessing.scale == o.preprocessing.scale &&
           preprocessing.mean == o.preprocessing.mean &&
           preprocessing.swapRB == o.preprocessing.swapRB &&
           preprocessing.crop == o.preprocessing.crop && caption == o.caption;
}

QJsonObject toJson(const AppState& s) {
    QJsonObject o;
    QJsonObject image;
    if (!s.imagePath.isEmpty()) image[QStringLiteral("path")] = s.imagePath;
    if (!s.imagePng.isEmpty())
        image[QStringLiteral("png")] = QString::fromLatin1(s.imagePng.toBase64());
    if (!image.isEmpty()) o[QStringLiteral("image")] = image;
    if (!s.roi.isEmpty())
        o[QStringLiteral("roi")] = QJsonArray{s.roi.x(), s.roi.y(), s.roi.width(), s.roi.height()};
    const core::WindowParams& p = s.layer.params;
    o[QStringLiteral("layer")] = QJsonObject{
        {QStringLiteral("kernelH"), p.kernelH},     {QStringLiteral("kernelW"), p.kernelW},
        {QStringLiteral("strideH"), p.strideH},     {QStringLiteral("strideW"), p.strideW},
        {QStringLiteral("padTop"), p.padTop},       {QStringLiteral("padBottom"), p.padBottom},
        {QStringLiteral("padLeft"), p.padLeft},     {QStringLiteral("padRight"), p.padRight},
        {QStringLiteral("dilationH"), p.dilationH}, {QStringLiteral("dilationW"), p.dilationW},
        {QStringLiteral("groups"), p.groups},       {QStringLiteral("filters"), s.layer.filters},
        {QStringLiteral("rgb"), s.layer.rgb},       {QStringLiteral("same"), s.layer.samePadding},
        {QStringLiteral("preset"), s.layer.preset}};
    if (!s.weights.empty()) {
        const core::Shape w = s.weights.shape();
        QJsonObject weights{
            {QStringLiteral("shape"), QJsonArray{w.n, w.c, w.h, w.w}},
            {QStringLiteral("values"),
             array(std::vector<float>(s.weights.data(), s.weights.data() + s.weights.count()))},
            {QStringLiteral("bias"), array(s.bias)}};
        if (!s.kernelSource.isEmpty()) weights[QStringLiteral("source")] = s.kernelSource;
        o[QStringLiteral("weights")] = weights;
    }
    o[QStringLiteral("step")] = s.step;
    o[QStringLiteral("filter")] = s.filter;
    o[QStringLiteral("tab")] = s.tab;
    if (!s.modelPath.isEmpty() || !s.builtInModel.isEmpty()) {
        QJsonObject m;
        if (!s.modelPath.isEmpty()) m[QStringLiteral("path")] = s.modelPath;
        if (!s.modelConfig.isEmpty()) m[QStringLiteral("config")] = s.modelConfig;
        if (!s.builtInModel.isEmpty()) m[QStringLiteral("builtIn")] = s.builtInModel;
        if (!s.modelLayer.isEmpty()) m[QStringLiteral("layer")] = s.modelLayer;
        const core::io::Preprocessing& pre = s.preprocessing;
        m[QStringLiteral("scale")] = double(pre.scale);
        m[QStringLiteral("mean")] =
            QJsonArray{double(pre.mean[0]), double(pre.mean[1]), double(pre.mean[2])};
        m[QStringLiteral("swapRB")] = pre.swapRB;
        m[QStringLiteral("crop")] = pre.crop;
        o[QStringLiteral("model")] = m;
    }
    if (!s.caption.isEmpty()) o[QStringLiteral("caption")] = s.caption;
    return o;
}

bool fromJson(const QJsonObject& json, AppState& out, QString* error) {
    error->clear();
    AppState s;
    Reader r(json, {}, error);
    const QJsonObject image = r.object("image");
    Reader ri(image, QStringLiteral("image"), error);
    s.imagePath = ri.string("path");
    if (ri.has("png")) {
        s.imagePng = QByteArray::fromBase64(ri.string("png").toLatin1());
        if (s.imagePng.isEmpty()) ri.fail("png", QStringLiteral("must be base64 PNG data"));
    }
    if (r.has("roi")) {
        const std::vector<double> v = r.numbers("roi", 4);
        // Checked as doubles before any conversion to int (1e300 would be undefined behaviour);
        // x and y stay within the largest image, so x + width fits an int.
        const double maxCorner = double(core::limits::kMaxImagePixels);
        const bool whole = std::all_of(v.begin(), v.end(), [](double x) { return x == std::floor(x); });
        if (v.size() == 4 && (!whole || v[0] < 0 || v[1] < 0 || v[0] > maxCorner ||
                              v[1] > maxCorner || v[2] < 1 || v[3] < 1 || v[2] > kMaxRoiSide ||
                              v[3] > kMaxRoiSide))
            r.fail("roi", QStringLiteral("must be whole numbers x, y from 0 to %1 and a width and "
                                         "height from 1 to %2")
                              .arg(qint64(maxCorner))
                              .arg(kMaxRoiSide));
        else if (v.size() == 4)
            s.roi = QRect(int(v[0]), int(v[1]), int(v[2]), int(v[3]));
    }
    const QJsonObject layer = r.object("layer");
    Reader rl(layer, QStringLiteral("layer"), error);
    core::WindowParams& p = s.layer.params;
    p.kernelH = rl.integer("kernelH", 3, 1, 64);
    p.kernelW = rl.integer("kernelW", p.kernelH, 1, 64);
    p.strideH = rl.integer("strideH", 1, 1, 64);
    p.strideW = rl.integer("strideW", p.strideH, 1, 64);
    p.padTop = rl.integer("padTop", 1, 0, 64);
    p.padBottom = rl.integer("padBottom", p.padTop, 0, 64);
    p.padLeft = rl.integer("padLeft", p.padTop, 0, 64);
    p.padRight = rl.integer("padRight", p.padLeft, 0, 64);
    p.dilationH = rl.integer("dilationH", 1, 1, 16);
    p.dilationW = rl.integer("dilationW", p.dilationH, 1, 16);
    p.groups = rl.integer("groups", 1, 1, kMaxTeachingFilters);
    s.layer.filters = rl.integer("filters", 1, 1, kMaxTeachingFilters);
    s.layer.rgb = rl.boolean("rgb", true);
    s.layer.samePadding = rl.boolean("same", false);
    s.layer.preset = rl.integer("preset", int(core::KernelPreset::SobelX), 0,
                                int(core::kernelPresets().size()) - 1);
    if (r.has("weights")) {
        Reader rw(r.object("weights"), QStringLiteral("weights"), error);
        const std::vector<int> shape = rw.integers(
            "shape", 4, 1, std::max(kMaxTeachingFilters, core::limits::kMaxKernelSide));
        const int channels = s.layer.rgb ? 3 : 1;
        if (shape.size() == 4 && r.ok()) {
            const core::Shape expect{s.layer.filters, channels / std::max(1, p.groups), p.kernelH,
                                     p.kernelW};
            const core::Shape got{shape[0], shape[1], shape[2], shape[3]};
            if (got != expect)
                rw.fail("shape", QStringLiteral("is %1 but the layer needs %2 (filters × channels "
                                                "per group × kernel h × kernel w)")
                                     .arg(QString::fromStdString(got.toString()),
                                          QString::fromStdString(expect.toString())));
            const std::vector<float> values = rw.floats("values", int(expect.count()));
            if (r.ok()) {
                s.weights = core::Tensor(expect);
                for (std::size_t i = 0; i < values.size(); ++i)
                    s.weights.data()[i] = values[i];
            }
            s.bias = rw.floats("bias", rw.has("bias") ? expect.n : -1);
            if (s.bias.empty()) s.bias.assign(std::size_t(expect.n), 0.0f);
            if (r.ok() && !s.weights.empty()) {
                try {
                    core::io::checkKernelRange(s.weights, s.bias, core::io::kMaxPixelValue,
                                               "weights");
                } catch (const core::Error& e) {
                    rw.fail("values", QString::fromStdString(e.what()).section(' ', 1));
                }
            }
            s.kernelSource = rw.string("source");
        } else if (shape.empty() && r.ok()) {
            rw.fail("shape", QStringLiteral("is required with the weights"));
        }
    }
    s.step = r.integer("step", 0, 0, 1 << 30);
    s.filter = r.integer("filter", 0, 0, kMaxTeachingFilters - 1);
    s.tab = r.integer("tab", 0, 0, 4);
    if (r.has("model")) {
        Reader rm(r.object("model"), QStringLiteral("model"), error);
        s.modelPath = rm.string("path");
        s.modelConfig = rm.string("config");
        s.builtInModel = rm.string("builtIn");
        // Without a model the block's other fields would be dropped on the next save.
        if (s.modelPath.isEmpty() && s.builtInModel.isEmpty())
            rm.fail("path", QStringLiteral("is missing: a \"model\" block names a model file "
                                           "(\"path\") or a built-in net (\"builtIn\"); remove "
                                           "the block for a session without a model"));
        if (!s.builtInModel.isEmpty() && s.builtInModel != QLatin1String("alexnet") &&
            s.builtInModel != QLatin1String("lenet"))
            rm.fail("builtIn", QStringLiteral("must be \"alexnet\" or \"lenet\""));
        s.modelLayer = rm.string("layer");
        const double scale = rm.number("scale", 1.0);
        if (std::fabs(scale) > double(std::numeric_limits<float>::max()))
            rm.fail("scale", QStringLiteral("must be within ±3.4e38 (a 32-bit float)"));
        else
            s.preprocessing.scale = float(scale);
        const std::vector<float> mean = rm.floats("mean", 3);
        std::copy(mean.begin(), mean.end(), s.preprocessing.mean.begin());
        s.preprocessing.swapRB = rm.boolean("swapRB", false);
        s.preprocessing.crop = rm.boolean("crop", false);
    }
    s.caption = r.string("caption");
    if (!error->isEmpty()) return false;
    out = std::move(s);
    return true;
}

QByteArray sessionBytes(const AppState& state) {
    const QJsonObject o{{QStringLiteral("convscope"), QStringLiteral("session")},
                        {QStringLiteral("version"), kFileVersion},
                        {QStringLiteral("state"), toJson(state)}};
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

QByteArray lessonBytes(const Lesson& lesson) {
    QJsonArray steps;
    for (const AppState& s : lesson.steps) steps.append(toJson(s));
    const QJsonObject o{{QStringLiteral("convscope"), QStringLiteral("lesson")},
                        {QStringLiteral("version"), kFileVersion},
                        {QStringLiteral("title"), lesson.title},
                        {QStringLiteral("steps"), steps}};
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

bool parseStateFile(const QByteArray& bytes, Lesson& lesson, bool& isLesson, QString* error) {
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parse);
    if (doc.isNull()) {
        *error = QStringLiteral("not valid JSON at character %1: %2")
                     .arg(parse.offset)
                     .arg(parse.errorString());
        return false;
    }
    const QJsonObject o = doc.object();
    const QString kind = o.value(QStringLiteral("convscope")).toString();
    if (kind != QLatin1String("session") && kind != QLatin1String("lesson")) {
        *error = QStringLiteral(
            "not a ConvScope file: it needs \"convscope\": \"session\" or "
            "\"lesson\"");
        return false;
    }
    const int version = o.value(QStringLiteral("version")).toInt(0);
    if (version < 1 || version > kFileVersion) {
        *error = QStringLiteral("file version %1; this ConvScope reads version %2")
                     .arg(version)
                     .arg(kFileVersion);
        return false;
    }
    Lesson result;
    isLesson = kind == QLatin1String("lesson");
    if (!isLesson) {
        if (!o.value(QStringLiteral("state")).isObject()) {
            *error = QStringLiteral("'state' must be an object");
            return false;
        }
        AppState s;
        if (!fromJson(o.value(QStringLiteral("state")).toObject(), s, error)) return false;
        result.steps.push_back(std::move(s));
    } else {
        result.title = o.value(QStringLiteral("title")).toString();
        const QJsonValue steps = o.value(QStringLiteral("steps"));
        if (!steps.isArray() || steps.toArray().isEmpty()) {
            *error = QStringLiteral("'steps' must be a non-empty list of states");
            return false;
        }
        int i = 0;
        for (const QJsonValue& v : steps.toArray()) {
            ++i;
            AppState s;
            if (!v.isObject() || !fromJson(v.toObject(), s, error)) {
                if (!v.isObject()) *error = QStringLiteral("must be an object");
                *error = QStringLiteral("step %1: %2").arg(i).arg(*error);
                return false;
            }
            result.steps.push_back(std::move(s));
        }
    }
    lesson = std::move(result);
    return true;
}

Lesson builtInLesson() {
    QFile f(QStringLiteral(":/lessons/basics.json"));
    Lesson lesson;
    bool isLesson = false;
    QString error;
    if (!f.open(QIODevice::ReadOnly) || !parseStateFile(f.readAll(), lesson, isLesson, &error))
        qWarning("the built-in lesson cannot be read: %s", qPrintable(error));
    return lesson;
}

bool readStateFile(const QString& path, Lesson& lesson, bool& isLesson, QString* error) {
    std::string bytes;
    try {
        bytes = core::io::readFile(path.toStdString(), core::limits::kMaxStateFileBytes,
                                   "a session or lesson file");
    } catch (const core::Error& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    return parseStateFile(QByteArray::fromStdString(bytes), lesson, isLesson, error);
}

}  // namespace convscope::ui
