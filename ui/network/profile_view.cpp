// ProfileChart painting and the Profile tab's controls, table and exports.
#include "network/profile_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QSvgGenerator>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <tuple>
#include <vector>

#include "base/runtime.h"
#include "measure/method_ladder.h"
#include "network/network_controller.h"

namespace convscope::ui {

namespace {

// Segment colours (colour-blind safe: Okabe-Ito), the companion's and the reference line's.
const QColor kSeries[] = {QColor(0, 114, 178), QColor(230, 159, 0), QColor(160, 160, 160),
                          QColor(0, 158, 115)};
const QColor kCompanion(204, 121, 167);
const QColor kReference(213, 94, 0);

constexpr int kRowHeight = 22;

double niceStep(double range, int ticks) {
    const double raw = range / std::max(1, ticks);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= m * mag) return m * mag;
    return 10 * mag;
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

// --- ProfileChart
// ----------------------------------------------------------------------------------

ProfileChart::ProfileChart(QWidget* parent) : QWidget(parent) {
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
}

void ProfileChart::setData(std::optional<core::ChartData> data) {
    m_data = std::move(data);
    setMinimumHeight(preferredHeight());
    updateGeometry();
    update();
}

int ProfileChart::preferredHeight() const {
    const int rows = m_data ? int(m_data->rows.size()) : 0;
    return 110 + rows * kRowHeight;
}

void ProfileChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    paint(p, rect());
}

void ProfileChart::paint(QPainter& p, const QRect& area) const {
    p.fillRect(area, Qt::white);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QColor ink(30, 30, 30);
    p.setPen(ink);
    if (!m_data || m_data->rows.empty()) {
        p.drawText(area.adjusted(16, 16, -16, -16), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   m_data && !m_data->title.empty()
                       ? qs(m_data->title)
                       : tr("Run a profile (Ctrl+R): the network runs in the background and its "
                            "per-layer timing appears here."));
        return;
    }
    const core::ChartData& d = *m_data;
    // Rows grow (up to twice their height) to use a tall chart: a 7-rung ladder on a classroom
    // screen otherwise sits in the top third.
    const int rowH =
        std::clamp((area.height() - 110) / int(d.rows.size()), kRowHeight, 2 * kRowHeight);
    QFont bold = p.font();
    bold.setBold(true);
    const QFontMetrics fm(p.font());
    int labelW = 0, valueW = 0;
    for (const core::ChartRow& r : d.rows) {
        labelW = std::max(labelW, fm.horizontalAdvance(qs(r.label)));
        valueW = std::max(valueW, fm.horizontalAdvance(qs(r.valueText)));
    }
    const int left = area.left() + 12 + labelW + 8;
    const int right = area.right() - 12 - valueW - 8;
    const int top = area.top() + 54;
    const int plotW = std::max(40, right - left);
    p.setFont(bold);
    p.drawText(QRect(area.left() + 12, area.top() + 6, area.width() - 24, 20),
               Qt::AlignLeft | Qt::AlignVCenter, qs(d.title));
    p.setFont(QFont());
    p.setPen(QColor(80, 80, 80));
    p.drawText(QRect(area.left() + 12, area.top() + 24, area.width() - 24, 18),
               Qt::AlignLeft | Qt::AlignVCenter, qs(d.note));

    const double maxV = std::max(1e-9, d.maxValue() * 1.04);
    // Log scale: from the decade below the smallest positive value to the largest.
    double minPositive = maxV;
    for (const core::ChartRow& r : d.rows)
        for (double s : r.segments)
            if (s > 0) minPositive = std::min(minPositive, s);
    const double logLo = std::floor(std::log10(minPositive)), logHi = std::log10(maxV);
    auto xOf = [&](double v) {
        if (d.logScale) {
            if (v <= 0) return left;
            return left + int(std::lround((std::log10(v) - logLo) / std::max(1e-9, logHi - logLo) *
                                          plotW));
        }
        return left + int(std::lround(v / maxV * plotW));
    };
    const int bottom = top + int(d.rows.size()) * rowH;
    // Grid and axis labels.
    std::vector<double> ticks;
    if (d.logScale) {
        for (double e = logLo; e <= logHi + 1e-9; ++e)
            for (double m : {1.0, 2.0, 5.0})
                if (const double v = m * std::pow(10.0, e); v <= maxV) ticks.push_back(v);
    } else {
        const double step = niceStep(maxV, 6);
        for (double v = 0; v <= maxV + 1e-12; v += step) ticks.push_back(v);
    }
    for (double v : ticks) {
        const int x = xOf(v);
        p.setPen(QColor(228, 228, 228));
        p.drawLine(x, top - 2, x, bottom);
        p.setPen(QColor(90, 90, 90));
        p.drawText(QRect(x - 40, bottom + 2, 80, 16), Qt::AlignHCenter | Qt::AlignTop,
                   QString::number(v, 'g', 4));
    }
    p.drawText(QRect(left, bottom + 16, plotW, 16), Qt::AlignHCenter | Qt::AlignTop, qs(d.unit));

    for (std::size_t i = 0; i < d.rows.size(); ++i) {
        const core::ChartRow& r = d.rows[i];
        const int y = top + int(i) * rowH;
        p.setPen(ink);
        p.drawText(QRect(area.left() + 12, y, labelW, rowH), Qt::AlignRight | Qt::AlignVCenter,
                   qs(r.label));
        const bool companion = !std::isnan(r.companion);
        const int barH = companion ? rowH / 2 - 2 : rowH - 6;
        double acc = 0;
        for (std::size_t s = 0; s < r.segments.size(); ++s) {
            const int x0 = xOf(acc), x1 = xOf(acc + r.segments[s]);
            acc += r.segments[s];
            if (x1 > x0) p.fillRect(QRect(x0, y + 3, x1 - x0, barH), kSeries[s % 4]);
        }
        if (companion) {
            const int x1 = xOf(r.companion);
            p.fillRect(QRect(left, y + 3 + barH + 1, std::max(1, x1 - left), barH), kCompanion);
        }
        if (!std::isnan(r.whiskerLo)) {
            const int xl = xOf(r.whiskerLo), xh = xOf(r.whiskerHi), cy = y + rowH / 2;
            p.setPen(QPen(ink, 1));
            p.drawLine(xl, cy, xh, cy);
            p.drawLine(xl, cy - 4, xl, cy + 4);
            p.drawLine(xh, cy - 4, xh, cy + 4);
        }
        const double end = std::max(
            {acc, companion ? r.companion : 0.0, std::isnan(r.whiskerHi) ? 0.0 : r.whiskerHi});
        p.setPen(ink);
        p.drawText(QRect(xOf(end) + 6, y, area.right() - xOf(end), rowH),
                   Qt::AlignLeft | Qt::AlignVCenter, qs(r.valueText));
    }
    p.setPen(QColor(120, 120, 120));
    p.drawLine(left, top - 2, left, bottom);
    if (d.reference > 0) {
        const int x = xOf(d.reference);
        p.setPen(QPen(kReference, 2, Qt::DashLine));
        p.drawLine(x, top - 8, x, bottom);
        p.setPen(kReference);
        p.drawText(QRect(x - 300, top - 16, 296, 14), Qt::AlignRight | Qt::AlignVCenter,
                   qs(d.referenceLabel));
    }
    // Legend.
    int lx = left;
    const int ly = bottom + 36;
    auto legend = [&](const QColor& c, const QString& text) {
        p.fillRect(QRect(lx, ly + 3, 12, 12), c);
        p.setPen(ink);
        p.drawText(QRect(lx + 16, ly, 400, 18), Qt::AlignLeft | Qt::AlignVCenter, text);
        lx += 16 + fm.horizontalAdvance(text) + 18;
    };
    if (d.series.size() > 1)
        for (std::size_t s = 0; s < d.series.size(); ++s) legend(kSeries[s % 4], qs(d.series[s]));
    if (!d.companionLabel.empty()) legend(kCompanion, qs(d.companionLabel));
}

// --- ProfilePanel
// ----------------------------------------------------------------------------------

ProfilePanel::ProfilePanel(NetworkController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    QSettings settings;
    settings.beginGroup(QStringLiteral("profile"));
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    m_threads = new QSpinBox(this);
    m_threads->setRange(1, core::hardwareThreads());
    m_threads->setValue(
        std::clamp(settings.value(QStringLiteral("threads"), core::hardwareThreads()).toInt(), 1,
                   core::hardwareThreads()));
    m_threads->setToolTip(tr("Threads for the engine (and OpenCV) during the run"));
    m_batch = new QComboBox(this);
    for (int b : {1, 2, 4, 8, 16, 32, 64}) m_batch->addItem(QString::number(b), b);
    m_batch->setCurrentText(settings.value(QStringLiteral("batch"), 1).toString());
    m_batch->setToolTip(
        tr("Images per forward: at batch 1 the fc layers are GEMVs (memory-bound); "
           "batching turns them into GEMMs"));
    m_repeat = new QSpinBox(this);
    m_repeat->setRange(1, 500);
    m_repeat->setValue(settings.value(QStringLiteral("repeat"), 10).toInt());
    m_repeat->setToolTip(tr("Timed runs after a cold run and %1 warm-up runs (OpenCV dnn gets the "
                            "same); the chart shows their median")
                             .arg(core::kDefaultWarmup));
    m_method = new QComboBox(this);
    QString methodTips;
    for (const core::ConvMethodInfo& m : core::convMethods()) {
        m_method->addItem(QString::fromUtf8(m.label.data()), int(m.id));
        m_method->setItemData(m_method->count() - 1, QString::fromUtf8(m.summary.data()),
                              Qt::ToolTipRole);
        methodTips +=
            QStringLiteral("\n%1: %2")
                .arg(QString::fromUtf8(m.label.data()), QString::fromUtf8(m.summary.data()));
    }
    // Remembered by the method's name: the registry's order may change.
    const std::optional<core::ConvMethod> saved = core::convMethodFromName(
        settings.value(QStringLiteral("convMethod")).toString().toStdString());
    m_method->setCurrentIndex(m_method->findData(int(saved.value_or(core::kDefaultConvMethod))));
    m_method->setToolTip(tr("How conv layers compute:") + methodTips);
    m_opencv = new QCheckBox(tr("Beside OpenCV dnn"), this);
    m_opencv->setChecked(settings.value(QStringLiteral("opencv"), true).toBool());
    m_opencv->setToolTip(
        tr("Also time the same network, same weights, in OpenCV's dnn module and "
           "show its own per-layer profile (getPerfProfile)"));
    m_run = new QPushButton(tr("Run"), this);
    m_run->setToolTip(tr("Profile the open network, or the built-in AlexNet when none (Ctrl+R)"));
    m_ladder = new QPushButton(tr("Run Ladder"), this);
    {
        std::string peers;
        const std::vector<std::string> rungs = core::io::ladderRungs();
        for (std::size_t i = 4; i < rungs.size(); ++i) peers += (i > 4 ? " and " : "") + rungs[i];
        m_ladder->setToolTip(tr("Every conv method on the same network, one after another: direct "
                                "loops, im2col + Eigen, im2col + blocked GEMM, implicit GEMM, then "
                                "%1 (Ctrl+Shift+R)")
                                 .arg(QString::fromStdString(peers)));
    }
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    // Two rows: in one, the tab alone was 691 px wide, and the window did not fit 1280x720.
    auto* methodRow = new QHBoxLayout;
    for (auto [label, w, row] : std::initializer_list<std::tuple<QString, QWidget*, QHBoxLayout*>>{
             {tr("Threads:"), m_threads, controls},
             {tr("Batch:"), m_batch, controls},
             {tr("Repeat:"), m_repeat, controls},
             {tr("Conv method:"), m_method, methodRow}}) {
        auto* l = new QLabel(label, this);
        l->setBuddy(w);
        row->addWidget(l);
        row->addWidget(w);
    }
    methodRow->addWidget(m_opencv);
    controls->addStretch(1);
    methodRow->addStretch(1);
    layout->addLayout(controls);
    layout->addLayout(methodRow);

    auto* status = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setMinimumWidth(80);
    m_status->setWordWrap(true);
    m_kind = new QComboBox(this);
    for (core::ProfileChartKind k :
         {core::ProfileChartKind::LayerTime, core::ProfileChartKind::Categories,
          core::ProfileChartKind::Throughput, core::ProfileChartKind::FirstVsSteady,
          core::ProfileChartKind::Variation, core::ProfileChartKind::Ladder})
        m_kind->addItem(QString::fromUtf8(core::toString(k)), int(k));
    m_kind->setCurrentIndex(settings.value(QStringLiteral("chart"), 0).toInt());
    m_kind->setToolTip(tr("Which chart of the same measurements"));
    m_exportChart = new QPushButton(tr("Export Chart…"), this);
    m_exportChart->setToolTip(tr("Save the chart as PNG or SVG"));
    m_exportData = new QPushButton(tr("Export Data…"), this);
    m_exportData->setToolTip(
        tr("Save the measurements as CSV or JSON (the fields of "
           "convscope bench --json)"));
    // Three short rows rather than one long one: the tab must fit a 1366-pixel screen beside the
    // docks (one row made the window at least 1580 pixels wide).
    status->addWidget(m_run);
    status->addWidget(m_ladder);
    status->addWidget(m_cancel);
    status->addWidget(m_progress);
    status->addWidget(m_status, 1);
    layout->addLayout(status);
    auto* chartRow = new QHBoxLayout;
    chartRow->addWidget(new QLabel(tr("Chart:"), this));
    chartRow->addWidget(m_kind);
    chartRow->addWidget(m_exportChart);
    chartRow->addWidget(m_exportData);
    chartRow->addStretch(1);
    layout->addLayout(chartRow);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_chart = new ProfileChart(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_chart);
    scroll->setWidgetResizable(true);
    m_table = new QTableWidget(this);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(scroll);
    split->addWidget(m_table);
    split->setSizes({560, 220});
    layout->addWidget(split, 1);

    connect(m_run, &QPushButton::clicked, this, &ProfilePanel::run);
    connect(m_ladder, &QPushButton::clicked, this, &ProfilePanel::runLadder);
    connect(m_cancel, &QPushButton::clicked, this, &ProfilePanel::cancel);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        saveSettings();
        showResult();
    });
    connect(m_exportChart, &QPushButton::clicked, this, &ProfilePanel::exportChartDialog);
    connect(m_exportData, &QPushButton::clicked, this, &ProfilePanel::exportDataDialog);
    connect(controller, &NetworkController::profileStarted, this, [this] {
        m_run->setEnabled(false);
        m_ladder->setEnabled(false);
        m_cancel->setEnabled(true);
        m_progress->setValue(0);
        m_progress->show();
        m_status->setText(tr("Starting…"));
    });
    connect(controller, &NetworkController::profileProgress, this,
            [this](int done, int total, const QString& stage) {
                m_progress->setRange(0, total);
                m_progress->setValue(done);
                m_status->setText(stage);
            });
    auto finished = [this] {
        m_run->setEnabled(true);
        m_ladder->setEnabled(true);
        m_cancel->setEnabled(false);
        m_progress->hide();
    };
    connect(controller, &NetworkController::profileFinished, this, [this, finished] {
        finished();
        m_status->clear();
        showResult();
    });
    connect(controller, &NetworkController::profileFailed, this,
            [this, finished](const QString& message) {
                finished();
                m_status->setText(tr("Profile stopped: %1").arg(message));
            });
    connect(controller, &NetworkController::modelChanged, this, &ProfilePanel::showResult);
    showResult();
}

core::ProfileChartKind ProfilePanel::chartKind() const {
    return core::ProfileChartKind(m_kind->currentData().toInt());
}

void ProfilePanel::setChartKind(core::ProfileChartKind kind) {
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
}

void ProfilePanel::showSettings(const ProfileSettings& s) {
    const QSignalBlocker b1(m_threads), b2(m_batch), b3(m_repeat), b4(m_method), b5(m_opencv);
    m_threads->setValue(s.threads > 0 ? s.threads : m_threads->maximum());
    if (const int i = m_batch->findData(s.batch); i >= 0) m_batch->setCurrentIndex(i);
    m_repeat->setValue(s.repeat);
    if (const int i = m_method->findData(int(s.method)); i >= 0) m_method->setCurrentIndex(i);
    m_opencv->setChecked(s.compareOpenCv);
}

core::ConvMethod ProfilePanel::currentMethod() const {
    return core::ConvMethod(m_method->currentData().toInt());
}

void ProfilePanel::saveSettings() const {
    QSettings s;
    s.beginGroup(QStringLiteral("profile"));
    s.setValue(QStringLiteral("threads"), m_threads->value());
    s.setValue(QStringLiteral("batch"), m_batch->currentData().toInt());
    s.setValue(QStringLiteral("repeat"), m_repeat->value());
    s.setValue(QStringLiteral("convMethod"),
               QString::fromUtf8(core::methodInfo(currentMethod()).name.data()));
    s.setValue(QStringLiteral("opencv"), m_opencv->isChecked());
    s.setValue(QStringLiteral("chart"), m_kind->currentIndex());
}

void ProfilePanel::run() {
    start(false);
}

void ProfilePanel::runLadder() {
    start(true);
}

void ProfilePanel::start(bool ladder) {
    saveSettings();
    if (!m_controller->runnable()) {
        if (m_controller->hasModel()) {
            m_status->setText(
                tr("This model cannot run in the engine: %1").arg(m_controller->problem()));
            return;
        }
        // The default: the built-in AlexNet, profiled as soon as it is built.
        m_status->setText(tr("Building the built-in AlexNet…"));
        auto* once = new QObject(this);
        connect(m_controller, &NetworkController::modelChanged, once, [this, once, ladder] {
            once->deleteLater();
            if (m_controller->runnable()) start(ladder);
        });
        m_controller->openBuiltIn(QStringLiteral("alexnet"));
        return;
    }
    ProfileSettings s;
    s.threads = m_threads->value();
    s.batch = m_batch->currentData().toInt();
    s.repeat = m_repeat->value();
    s.method = currentMethod();
    s.compareOpenCv = m_opencv->isChecked() && !ladder;
    s.ladder = ladder;
    if (ladder) setChartKind(core::ProfileChartKind::Ladder);
    m_controller->runProfile(s);
}

void ProfilePanel::cancel() {
    m_controller->cancelProfile();
}

void ProfilePanel::showResult() {
    const auto& run = m_controller->lastProfile();
    m_exportChart->setEnabled(run.has_value());
    m_exportData->setEnabled(run.has_value());
    if (!run) {
        m_chart->setData(std::nullopt);
        m_table->clear();
        m_table->setRowCount(0);
        m_summary->setText(m_controller->hasModel()
                               ? tr("Model: %1. Press Run (Ctrl+R) to measure it on this machine.")
                                     .arg(m_controller->modelName())
                               : tr("No model open: Run profiles the built-in AlexNet."));
        return;
    }
    const core::NetworkProfile& p = run->profile;
    const core::ReportContext& ctx = run->context;
    if (chartKind() != core::ProfileChartKind::Ladder) {
        m_chart->setData(core::profileChart(p, ctx, chartKind()));
    } else if (!run->ladder.empty()) {
        m_chart->setData(core::ladderChart(run->ladder, ctx));
    } else {
        core::ChartData d;
        d.title = tr("Method ladder: press Run Ladder (Ctrl+Shift+R) to compute the conv layers "
                     "every way")
                      .toStdString();
        m_chart->setData(d);
    }
    const double sum = p.layerSumMs();
    const double convFc = sum > 0 ? 100 *
                                        (p.categoryMs(core::LayerCategory::Conv) +
                                         p.categoryMs(core::LayerCategory::FullyConnected)) /
                                        sum
                                  : 0;
    QString text = tr("<b>%1</b>: %2 ms per forward (batch %3, %4, %5, kernels %8); conv + "
                      "fc = <b>%6%</b> of the layer time. FMA peak measured here: %7 GFLOP/s on "
                      "%4.")
                       .arg(QString::fromStdString(p.network))
                       .arg(p.medianTotalMs, 0, 'f', 2)
                       .arg(p.batch)
                       .arg(p.threads == 1 ? tr("1 thread") : tr("%1 threads").arg(p.threads))
                       .arg(QString::fromUtf8(core::toString(p.method)))
                       .arg(convFc, 0, 'f', 1)
                       .arg(ctx.peakGflops, 0, 'f', 0)
                       .arg(QString::fromUtf8(core::isaName(p.isa).data(),
                                              qsizetype(core::isaName(p.isa).size())));
    if (ctx.peerTotalMs > 0)
        text += tr(" OpenCV dnn, same weights and input: %1 ms (ours/OpenCV = %2; outputs differ "
                   "by at most %3).")
                    .arg(ctx.peerTotalMs, 0, 'f', 2)
                    .arg(p.medianTotalMs / ctx.peerTotalMs, 0, 'f', 2)
                    .arg(ctx.peerMaxAbsDiff, 0, 'g', 2);
    if (core::methodInfo(p.method).chooses)
        text += tr(" Auto timed each conv's methods once at set-up (%1 ms; the Method column's "
                   "tooltips give the times).")
                    .arg(p.prepareMs, 0, 'f', 0);
    m_summary->setText(text);

    // The direct methods have no GEMM: their conv time sits in that column (core::ConvStats);
    // auto mixes both and names each layer's method.
    const bool chooses = core::methodInfo(p.method).chooses;
    const QString convColumn = chooses                    ? tr("GEMM or conv ms")
                               : core::isDirect(p.method) ? tr("Direct conv ms")
                                                          : tr("GEMM ms");
    const QStringList headers = {tr("Layer"),    tr("Type"),      tr("Method"), tr("Median ms"),
                                 tr("First ms"), tr("Min ms"),    tr("Max ms"), tr("% of time"),
                                 tr("GFLOP/s"),  tr("im2col ms"), convColumn,   tr("GEMM M×N×K"),
                                 tr("OpenCV ms")};
    m_table->clear();
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(int(p.layers.size()));
    for (int i = 0; i < int(p.layers.size()); ++i) {
        const core::LayerProfile& l = p.layers[std::size_t(i)];
        const double peer = ctx.peerMs(l.name);
        const QStringList cells = {
            QString::fromStdString(l.name),
            QString::fromStdString(l.type),
            QString::fromStdString(l.method),
            QString::number(l.medianMs, 'f', 3),
            QString::number(l.firstMs, 'f', 3),
            QString::number(l.minMs, 'f', 3),
            QString::number(l.maxMs, 'f', 3),
            QString::number(sum > 0 ? 100 * l.medianMs / sum : 0, 'f', 1),
            l.flops > 0 ? QString::number(l.gflops(), 'f', 1) : QString(),
            l.im2colMs > 0 ? QString::number(l.im2colMs, 'f', 3) : QString(),
            l.gemmMs > 0 ? QString::number(l.gemmMs, 'f', 3) : QString(),
            l.gemm.M > 0 ? QStringLiteral("%1×%2×%3").arg(l.gemm.M).arg(l.gemm.N).arg(l.gemm.K)
                         : QString(),
            peer >= 0 ? QString::number(peer, 'f', 3) : QString()};
        for (int c = 0; c < int(cells.size()); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c >= 3) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            // Why auto chose it: every candidate's time.
            if (c == 2 && !l.methodWhy.empty())
                item->setToolTip(QString::fromStdString(l.methodWhy));
            m_table->setItem(i, c, item);
        }
    }
    m_table->resizeColumnsToContents();
}

bool ProfilePanel::exportChart(const QString& path, QString* error) const {
    if (!m_chart->data()) {
        *error = tr("nothing to export yet: run a profile first");
        return false;
    }
    const QSize size(std::max(900, m_chart->width()), m_chart->preferredHeight());
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QString::fromStdString(m_chart->data()->title));
        svg.setDescription(tr("ConvScope timing chart"));
        QPainter painter;
        if (!painter.begin(&svg)) {
            *error = tr("could not write %1").arg(path);
            return false;
        }
        m_chart->paint(painter, QRect(QPoint(0, 0), size));
        painter.end();
        return QFileInfo(path).size() > 0 || (*error = tr("could not write %1").arg(path), false);
    }
    QImage image(size, QImage::Format_RGB32);
    QPainter painter(&image);
    m_chart->paint(painter, image.rect());
    painter.end();
    if (!image.save(path)) {
        *error = tr("could not write %1 (use .png or .svg)").arg(path);
        return false;
    }
    return true;
}

bool ProfilePanel::exportData(const QString& path, QString* error) const {
    const auto& run = m_controller->lastProfile();
    if (!run) {
        *error = tr("nothing to export yet: run a profile first");
        return false;
    }
    const bool csv = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
    const std::string text = csv ? core::profileCsv(run->profile, run->context)
                                 : core::profileJson(run->profile, run->context);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(text.data(), qint64(text.size())) != qint64(text.size())) {
        *error = tr("could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ProfilePanel::exportChartDialog() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Chart"), QStringLiteral("profile.png"),
                                     tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    m_status->setText(exportChart(path, &error) ? tr("Wrote %1").arg(path) : error);
}

void ProfilePanel::exportDataDialog() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Data"), QStringLiteral("profile.csv"),
                                     tr("CSV table (*.csv);;JSON (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    m_status->setText(exportData(path, &error) ? tr("Wrote %1").arg(path) : error);
}

}  // namespace convscope::ui
