// FiltersPanel: gallery and feature maps side by side.
#include "network/filters_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include "network/network_controller.h"
#include "network/network_views.h"
#include "teaching/teaching_controller.h"
#include "widgets/image_view.h"

namespace convscope::ui {

FiltersPanel::FiltersPanel(NetworkController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* left = new QWidget(this);
    auto* ll = new QVBoxLayout(left);
    ll->setContentsMargins(2, 2, 2, 2);
    auto* bar = new QHBoxLayout;
    m_galleryTitle = new QLabel(left);
    m_galleryTitle->setWordWrap(true);
    m_norm = new QComboBox(left);
    m_norm->addItem(tr("Each filter stretched"), int(core::FilterNorm::PerFilter));
    m_norm->addItem(tr("One scale for all"), int(core::FilterNorm::Global));
    m_norm->setToolTip(
        tr("Stretch each filter over its own range (shapes), or one range for all "
           "(compare strengths)"));
    m_gallery = new FilterGallery(controller, left);
    auto* zoomIn = new QToolButton(left);
    zoomIn->setText(QStringLiteral("+"));
    zoomIn->setToolTip(tr("Zoom the filters in"));
    auto* zoomOut = new QToolButton(left);
    zoomOut->setText(QStringLiteral("−"));
    zoomOut->setToolTip(tr("Zoom the filters out"));
    connect(zoomIn, &QToolButton::clicked, m_gallery, &CellCanvas::zoomIn);
    connect(zoomOut, &QToolButton::clicked, m_gallery, &CellCanvas::zoomOut);
    ll->addWidget(m_galleryTitle);  // its own line: long, and it wraps
    bar->addStretch(1);
    bar->addWidget(m_norm);
    bar->addWidget(zoomOut);
    bar->addWidget(zoomIn);
    ll->addLayout(bar);
    ll->addWidget(m_gallery, 1);

    auto* right = new QWidget(this);
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(2, 2, 2, 2);
    m_featuresTitle = new QLabel(right);
    m_featuresTitle->setWordWrap(true);
    m_legend = new ColorLegend(right);
    m_features = new FeatureMapView(controller, right);
    m_predictions = new QLabel(right);
    m_predictions->setWordWrap(true);
    m_predictions->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_singleTitle = new QLabel(right);
    m_single = new ImageView(right);
    m_single->setMinimumHeight(120);
    m_single->setToolTip(
        tr("The marked channel's map, large: where in the image its filter "
           "responds"));
    // Grid and the marked map in equal halves (a splitter here kept its hidden-tab sizes).
    auto* maps = new QHBoxLayout;
    // The single map's 640-pixel size hint and its caption's length must not claim the width:
    // the stretch factors split it.
    m_single->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
    m_singleTitle->setWordWrap(true);
    maps->addWidget(m_features, 1);
    auto* singleBox = new QWidget(right);
    auto* sl = new QVBoxLayout(singleBox);
    sl->setContentsMargins(0, 0, 0, 0);
    sl->addWidget(m_singleTitle);
    sl->addWidget(m_single, 1);
    maps->addWidget(singleBox, 1);
    rl->addWidget(m_featuresTitle);
    rl->addWidget(m_legend);
    rl->addLayout(maps, 1);
    rl->addWidget(m_predictions);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    m_norm->setCurrentIndex(QSettings().value(QStringLiteral("filters/norm"), 0).toInt());
    m_gallery->setNormalization(core::FilterNorm(m_norm->currentData().toInt()));
    connect(m_norm, &QComboBox::currentIndexChanged, this, [this] {
        m_gallery->setNormalization(core::FilterNorm(m_norm->currentData().toInt()));
        QSettings().setValue(QStringLiteral("filters/norm"), m_norm->currentIndex());
    });
    connect(m_gallery, &FilterGallery::filterChosen, this, [this](int row, int m) {
        showFeaturesOf(row, m);
        emit filterChosen(row, m);
    });
    connect(m_features, &FeatureMapView::channelChosen, this, [this](int c) {
        // A conv layer's channel c is filter c's map: mark that filter too.
        if (m_controller->filtersOf(m_controller->currentRow())) m_gallery->setSelectedFilter(c);
        updateHeaders();
        updateSingle();
    });
    connect(controller, &NetworkController::currentRowChanged, this,
            [this](int row) { showFeaturesOf(row, -1); });
    connect(controller, &NetworkController::modelChanged, this, &FiltersPanel::updateHeaders);
    connect(controller, &NetworkController::featuresChanged, this, &FiltersPanel::updateHeaders);
    connect(controller, &NetworkController::featuresChanged, this, &FiltersPanel::updateSingle);
    connect(controller, &NetworkController::featuresStarted, this, &FiltersPanel::updateHeaders);
    connect(controller, &NetworkController::featuresFailed, this, [this](const QString& m) {
        m_predictions->setText(tr("Could not run the model on the image: %1").arg(m));
    });
    updateHeaders();
}

void FiltersPanel::setColorBlindSafe(bool on) {
    m_colorBlindSafe = on;
    m_features->setColorBlindSafe(on);
    updateHeaders();
    updateSingle();
}

void FiltersPanel::markFilter(int m) {
    m_gallery->setSelectedFilter(m);
    showFeaturesOf(m_controller->currentRow(), m);
}

void FiltersPanel::updateSingle() {
    const int c = m_features->highlighted();
    const core::Tensor* a =
        m_features->layer() >= 0 ? m_controller->activations(m_features->layer()) : nullptr;
    if (!a || c < 0 || c >= a->c()) {
        m_single->setImage(QImage());
        m_singleTitle->setText(
            tr("Click a filter (left) or a channel (above) to see its map "
               "large."));
        return;
    }
    const core::FeatureRange range = m_features->range();
    const core::ColorMapKind kind =
        range.signedValues()
            ? (m_colorBlindSafe ? core::ColorMapKind::DivergingSafe : core::ColorMapKind::Diverging)
            : core::ColorMapKind::Sequential;
    m_single->setImage(colorMapped(a->data() + std::int64_t(c) * a->shape().plane(), a->w(), a->h(),
                                   kind, range.lo, range.hi));
    m_singleTitle->setText(
        tr("<b>Channel %1</b> (%2×%3), on the scale above").arg(c).arg(a->h()).arg(a->w()));
}

void FiltersPanel::showFeaturesOf(int row, int highlight) {
    const auto& rows = m_controller->rows();
    const int index = row >= 0 && row < int(rows.size()) ? rows[std::size_t(row)].engineIndex : -1;
    m_features->setLayer(index, highlight);
    updateHeaders();
    updateSingle();
}

void FiltersPanel::updateHeaders() {
    const auto& rows = m_controller->rows();
    const int row = m_controller->currentRow();
    const ModelLayerRow* r = row >= 0 && row < int(rows.size()) ? &rows[std::size_t(row)] : nullptr;
    const core::io::ConvFilters* f = m_controller->filtersOf(row);
    m_galleryTitle->setText(
        f ? tr("<b>Filters of %1</b>: %2 × %3×%4×%5 — click one to slide it over your image")
                .arg(r ? r->shortName : QString::fromStdString(f->layer))
                .arg(f->weights.n())
                .arg(f->weights.c())
                .arg(f->weights.h())
                .arg(f->weights.w())
          : tr("<b>Filters</b>: pick a conv layer in the Model panel"));
    const core::Tensor* a =
        m_features->layer() >= 0 ? m_controller->activations(m_features->layer()) : nullptr;
    if (a && r) {
        const core::FeatureRange range = m_features->range();
        QString text = a->shape().rank == 4
                           ? tr("<b>Activations of %1</b> for %2: %3 channels of %4×%5")
                                 .arg(r->shortName, tr("the current image"))
                                 .arg(a->c())
                                 .arg(a->h())
                                 .arg(a->w())
                           : tr("<b>Activations of %1</b> for %2: %3 (rank %4)")
                                 .arg(r->shortName, tr("the current image"), shapeText(a->shape()))
                                 .arg(a->shape().rank);
        if (m_features->highlighted() >= 0)
            text += tr(" — channel %1 marked").arg(m_features->highlighted());
        m_featuresTitle->setText(text);
        m_legend->setRange(range.lo, range.hi,
                           range.signedValues()
                               ? (m_colorBlindSafe ? core::ColorMapKind::DivergingSafe
                                                   : core::ColorMapKind::Diverging)
                               : core::ColorMapKind::Sequential,
                           tr("one scale:"));
        m_legend->show();
    } else {
        m_featuresTitle->setText(m_controller->featuresRunning()
                                     ? tr("<b>Activations</b>: running the model on your image…")
                                     : tr("<b>Activations</b>: pick a layer of a model that runs"));
        m_legend->hide();
    }
    const auto& preds = m_controller->predictions();
    if (preds.empty() || !m_controller->featuresReady()) {
        m_predictions->clear();
        return;
    }
    QStringList parts;
    for (const core::Prediction& p : preds)
        parts << (p.label.empty() ? tr("class %1: %2").arg(p.index).arg(double(p.score), 0, 'g', 4)
                                  : tr("%1 (%2): %3")
                                        .arg(QString::fromStdString(p.label))
                                        .arg(p.index)
                                        .arg(double(p.score), 0, 'g', 4));
    m_predictions->setText(tr("<b>Top %1</b> (last layer): %2")
                               .arg(preds.size())
                               .arg(parts.join(QStringLiteral(" · "))));
}

}  // namespace convscope::ui
