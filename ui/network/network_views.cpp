// Filter gallery, feature-map grid and colour legend.
#include "network/network_views.h"

#include <QKeyEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "net/layer_names.h"
#include "network/network_controller.h"

namespace convscope::ui {

namespace {

QImage toQImage(const core::RgbImage& rgb) {
    QImage img(rgb.width, rgb.height, QImage::Format_RGB888);
    for (int y = 0; y < rgb.height; ++y)
        std::copy_n(rgb.pixels.data() + std::size_t(y) * std::size_t(rgb.width) * 3,
                    std::size_t(rgb.width) * 3, img.scanLine(y));
    return img;
}

// Feature maps need channels of planes: a rank-4 blob (one image: C x H x W), or a rank-2 one (an
// fc output: C values, shown as 1 x 1 tiles). Rank 3, 5 and 6 blobs (ShuffleNet's channel
// shuffle, reshapes) have no such reading; their tiles would cut the data at the wrong strides.
bool isImageBlob(const core::Tensor& b) {
    return (b.shape().rank == 4 || b.shape().rank == 2) && !b.empty();
}

void paintEmpty(QPainter& painter, const QRect& exposed, const QString& text) {
    painter.setPen(QColor(90, 90, 90));
    painter.drawText(exposed.adjusted(12, 12, -12, -12),
                     Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
}

}  // namespace

// --- GridImageCanvas
// -------------------------------------------------------------------------------

GridImageCanvas::GridImageCanvas(QWidget* parent) : CellCanvas(parent) {}

const QImage& GridImageCanvas::rendered() const {
    if (m_cacheScale != cellSize()) {
        m_cache = renderAt(cellSize());
        m_cacheScale = cellSize();
    }
    return m_cache;
}

void GridImageCanvas::invalidate() {
    m_cacheScale = 0;
    m_cache = QImage();
    autoFit();
    refresh();
}

namespace {
bool isNavigationKey(int key) {
    return key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Up ||
           key == Qt::Key_Down || key == Qt::Key_Return || key == Qt::Key_Enter ||
           key == Qt::Key_Space;
}
}  // namespace

bool GridImageCanvas::event(QEvent* e) {
    // The window's playback shortcuts (←, →, Space) must not take the keys from a focused grid.
    if (e->type() == QEvent::ShortcutOverride &&
        isNavigationKey(static_cast<QKeyEvent*>(e)->key()) && !rendered().isNull()) {
        e->accept();
        return true;
    }
    return CellCanvas::event(e);
}

void GridImageCanvas::keyPressEvent(QKeyEvent* e) {
    if (!handleKey(e->key())) CellCanvas::keyPressEvent(e);
}

void GridImageCanvas::autoFit() {
    const QSize cells = cellsToFit();
    if (cells.isEmpty()) return;
    fitCells(cells, separatorsToFit() + QSize(8, 8), 1, 24);
}

QSize GridImageCanvas::contentSize() const {
    const QImage& img = rendered();
    return img.isNull() ? QSize(0, 0) : img.size();
}

void GridImageCanvas::paintContent(QPainter& painter, const QRect& exposed) const {
    painter.fillRect(exposed, palette().base());
    const QImage& img = rendered();
    if (img.isNull()) {
        paintEmpty(painter, exposed, emptyText());
        return;
    }
    painter.drawImage(QPoint(0, 0), img);
}

// --- FilterGallery
// ---------------------------------------------------------------------------------

FilterGallery::FilterGallery(NetworkController* controller, QWidget* parent)
    : GridImageCanvas(parent), m_controller(controller) {
    setToolTip(
        tr("The learned filters of the chosen conv layer. Click one to slide it over your "
           "image in the convolution view; wheel with Ctrl or +/− to zoom."));
    connect(controller, &NetworkController::currentRowChanged, this, &FilterGallery::modelChanged);
    connect(controller, &NetworkController::modelChanged, this, &FilterGallery::modelChanged);
}

void FilterGallery::modelChanged() {
    m_selected = -1;
    invalidate();
}

void FilterGallery::setNormalization(core::FilterNorm norm) {
    if (norm == m_norm) return;
    m_norm = norm;
    invalidate();
}

void FilterGallery::setSelectedFilter(int m) {
    m_selected = m;
    viewport()->update();
}

QImage FilterGallery::renderAt(int scale) const {
    const core::io::ConvFilters* f = m_controller->filtersOf(m_controller->currentRow());
    if (!f) return {};
    core::FilterGridOptions o;
    o.scale = scale;
    o.norm = m_norm;
    o.inputIsBgr = !m_controller->preprocessing().swapRB;
    try {
        return toQImage(core::renderFilterGrid(f->weights, f->params.groups, o));
    } catch (const core::Error&) {
        return {};  // too large at this zoom: emptyText() says so
    }
}

QSize FilterGallery::cellsToFit() const {
    const core::io::ConvFilters* f = m_controller->filtersOf(m_controller->currentRow());
    if (!f) return {};
    const core::FilterGridLayout l =
        core::filterGridLayout(f->weights.shape(), f->params.groups, 1);
    return {l.cellsWide(), l.cellsHigh()};
}

QSize FilterGallery::separatorsToFit() const {
    const core::io::ConvFilters* f = m_controller->filtersOf(m_controller->currentRow());
    if (!f) return {};
    const core::FilterGridLayout l =
        core::filterGridLayout(f->weights.shape(), f->params.groups, 1);
    return {l.separatorPixelsWide(), l.separatorPixelsHigh()};
}

QString FilterGallery::emptyText() const {
    if (!m_controller->hasModel())
        return tr("Open a model (File ▸ Open Model…) or pick a built-in one.");
    if (!m_controller->filtersOf(m_controller->currentRow()))
        return tr("Pick a convolution layer in the Model panel to see its filters.");
    return tr("The grid is too large at this zoom; zoom out.");
}

QRect FilterGallery::tileRect(int m) const {
    const core::io::ConvFilters* f = m_controller->filtersOf(m_controller->currentRow());
    if (!f || m < 0 || m >= f->weights.n()) return {};
    const core::FilterGridLayout l =
        core::filterGridLayout(f->weights.shape(), f->params.groups, cellSize());
    int x = 0, y = 0;
    l.tileRect(m, 0, x, y);
    const int w = l.tilePerFilter ? l.tileW : l.channels * (l.tileW + l.separator) - l.separator;
    return QRect(x, y, w, l.tileH);
}

void FilterGallery::paintContent(QPainter& painter, const QRect& exposed) const {
    GridImageCanvas::paintContent(painter, exposed);
    if (m_selected < 0) return;
    const QRect r = tileRect(m_selected);
    if (r.isNull()) return;
    painter.setPen(QPen(QColor(255, 200, 0), 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(r.adjusted(-1, -1, 1, 1));
}

bool FilterGallery::handleKey(int key) {
    const core::io::ConvFilters* f = m_controller->filtersOf(m_controller->currentRow());
    if (!f) return false;
    const int n = f->weights.n();
    const core::FilterGridLayout l =
        core::filterGridLayout(f->weights.shape(), f->params.groups, 1);
    const int row = l.tilePerFilter ? l.columns : 1;
    int m = std::max(0, m_selected);
    const bool first = m_selected < 0;  // the first arrow selects filter 0
    switch (first && key != Qt::Key_Return && key != Qt::Key_Enter && key != Qt::Key_Space ? 0
                                                                                           : key) {
        case 0:
            if (!isNavigationKey(key)) return false;
            break;
        case Qt::Key_Left:
            m = std::max(0, m - 1);
            break;
        case Qt::Key_Right:
            m = std::min(n - 1, m + 1);
            break;
        case Qt::Key_Up:
            m = std::max(0, m - row);
            break;
        case Qt::Key_Down:
            m = std::min(n - 1, m + row);
            break;
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_Space:
            if (m_selected >= 0) emit filterChosen(m_controller->currentRow(), m_selected);
            return true;
        default:
            return false;
    }
    setSelectedFilter(m);
    ensureVisible(tileRect(m));
    setAccessibleDescription(
        tr("Filter %1 of %2 selected; press Enter to slide it over the image").arg(m).arg(n));
    return true;
}

int FilterGallery::filterAt(const QPoint& p) const {
    const core::io::ConvFilters* f = m_controller->filtersOf(m_controller->currentRow());
    if (!f) return -1;
    const core::FilterGridLayout l =
        core::filterGridLayout(f->weights.shape(), f->params.groups, cellSize());
    int m = -1, c = -1;
    return l.hit(p.x(), p.y(), m, c) ? m : -1;
}

void FilterGallery::contentClicked(const QPoint& p) {
    const int m = filterAt(p);
    if (m < 0) return;
    setSelectedFilter(m);
    emit filterChosen(m_controller->currentRow(), m);
}

QString FilterGallery::contentToolTip(const QPoint& p) const {
    const int m = filterAt(p);
    if (m < 0) return {};
    const core::io::ConvFilters* f = m_controller->filtersOf(m_controller->currentRow());
    const core::Shape s = f->weights.shape();
    const float* w = f->weights.data() + std::int64_t(m) * s.perImage();
    const auto [lo, hi] = std::minmax_element(w, w + s.perImage());
    double norm = 0;
    for (std::int64_t i = 0; i < s.perImage(); ++i) norm += double(w[i]) * w[i];
    const int perGroup = s.n / std::max(1, f->params.groups);
    return tr("<b>%1, filter %2</b>%3<br>%4×%5×%6 weights in [%7, %8], L2 norm %9<br>"
              "Click to slide it over your image.")
        .arg(QString::fromStdString(core::displayName(f->layer)))
        .arg(m)
        .arg(f->params.groups > 1 ? tr(" (group %1)").arg(m / perGroup) : QString())
        .arg(s.c)
        .arg(s.h)
        .arg(s.w)
        .arg(double(*lo), 0, 'g', 3)
        .arg(double(*hi), 0, 'g', 3)
        .arg(std::sqrt(norm), 0, 'g', 3);
}

// --- FeatureMapView
// --------------------------------------------------------------------------------

FeatureMapView::FeatureMapView(NetworkController* controller, QWidget* parent)
    : GridImageCanvas(parent), m_controller(controller) {
    setToolTip(
        tr("The chosen layer's activations for your image: one tile per channel, all on one "
           "colour scale."));
    connect(controller, &NetworkController::featuresChanged, this, [this] {
        m_range = blob() ? core::featureRange(*blob(), 0) : core::FeatureRange{};
        invalidate();
    });
    connect(controller, &NetworkController::modelChanged, this, [this] { setLayer(-1); });
}

void FeatureMapView::setLayer(int engineIndex, int highlight) {
    const bool layerChanged = engineIndex != m_layer;
    m_layer = engineIndex;
    m_highlight = highlight;
    m_range = blob() ? core::featureRange(*blob(), 0) : core::FeatureRange{};
    if (layerChanged)
        invalidate();
    else
        viewport()->update();
    if (highlight >= 0) {
        const core::FeatureGridLayout l = layoutAt(cellSize());
        if (l.channels > highlight) {
            int x = 0, y = 0;
            l.tileOrigin(highlight, x, y);
            ensureVisible(QRect(x, y, l.mapW * l.scale, l.mapH * l.scale));
        }
    }
}

void FeatureMapView::setColorBlindSafe(bool on) {
    m_colorBlindSafe = on;
    invalidate();
}

const core::Tensor* FeatureMapView::blob() const {
    return m_controller->activations(m_layer);
}

core::FeatureGridLayout FeatureMapView::layoutAt(int scale) const {
    const core::Tensor* b = blob();
    if (!b || !isImageBlob(*b)) return {};
    try {
        return core::featureGridLayout(b->c(), b->h(), b->w(), scale);
    } catch (const core::Error&) {
        return {};
    }
}

QImage FeatureMapView::renderAt(int scale) const {
    const core::Tensor* b = blob();
    const core::FeatureGridLayout l = layoutAt(scale);
    if (!b || l.channels == 0) return {};
    return toQImage(core::renderFeatureGrid(
        *b, 0, l, m_range,
        m_colorBlindSafe ? core::ColorMapKind::DivergingSafe : core::ColorMapKind::Diverging));
}

QSize FeatureMapView::cellsToFit() const {
    const core::FeatureGridLayout l = layoutAt(1);
    return l.channels ? QSize(l.columns * l.mapW, l.rows * l.mapH) : QSize();
}

QSize FeatureMapView::separatorsToFit() const {
    const core::FeatureGridLayout l = layoutAt(1);
    return {l.columns + 1, l.rows + 1};
}

QString FeatureMapView::emptyText() const {
    if (!m_controller->runnable())
        return m_controller->hasModel()
                   ? tr("This model cannot run in the engine: %1").arg(m_controller->problem())
                   : tr("Open a model to see its feature maps.");
    if (m_controller->featuresRunning()) return tr("Running the model on your image…");
    if (m_layer < 0) return tr("Pick a layer in the Model panel.");
    if (const core::Tensor* b = blob(); b && !isImageBlob(*b))
        return tr("This layer's output, %1, is not an image (rank %2, not channels × height × "
                  "width), so it has no feature maps to show; the layers after it that make it "
                  "an image again have.")
            .arg(QString::fromStdString(b->shape().toString()))
            .arg(b->shape().rank);
    return tr("No activations yet.");
}

void FeatureMapView::paintContent(QPainter& painter, const QRect& exposed) const {
    GridImageCanvas::paintContent(painter, exposed);
    if (m_highlight < 0) return;
    const core::FeatureGridLayout l = layoutAt(cellSize());
    if (m_highlight >= l.channels) return;
    int x = 0, y = 0;
    l.tileOrigin(m_highlight, x, y);
    painter.setPen(QPen(QColor(255, 200, 0), 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRect(x - 1, y - 1, l.mapW * l.scale + 2, l.mapH * l.scale + 2));
}

bool FeatureMapView::handleKey(int key) {
    const core::FeatureGridLayout l = layoutAt(cellSize());
    if (l.channels == 0) return false;
    int c = std::max(0, m_highlight);
    const bool first = m_highlight < 0;  // the first arrow marks channel 0
    switch (first ? 0 : key) {
        case 0:
            if (!isNavigationKey(key)) return false;
            break;
        case Qt::Key_Left:
            c = std::max(0, c - 1);
            break;
        case Qt::Key_Right:
            c = std::min(l.channels - 1, c + 1);
            break;
        case Qt::Key_Up:
            c = std::max(0, c - l.columns);
            break;
        case Qt::Key_Down:
            c = std::min(l.channels - 1, c + l.columns);
            break;
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_Space:
            break;
        default:
            return false;
    }
    m_highlight = c;
    int x = 0, y = 0;
    l.tileOrigin(c, x, y);
    ensureVisible(QRect(x, y, l.mapW * l.scale, l.mapH * l.scale));
    viewport()->update();
    setAccessibleDescription(tr("Channel %1 of %2 marked").arg(c).arg(l.channels));
    emit channelChosen(c);
    return true;
}

int FeatureMapView::channelAt(const QPoint& p) const {
    const core::FeatureGridLayout l = layoutAt(cellSize());
    int c = -1, y = 0, x = 0;
    return l.channels && l.hit(p.x(), p.y(), c, y, x) ? c : -1;
}

void FeatureMapView::contentClicked(const QPoint& p) {
    const int c = channelAt(p);
    if (c < 0) return;
    m_highlight = c;
    viewport()->update();
    emit channelChosen(c);
}

QString FeatureMapView::contentToolTip(const QPoint& p) const {
    const core::FeatureGridLayout l = layoutAt(cellSize());
    int c = -1, y = 0, x = 0;
    if (!l.channels || !l.hit(p.x(), p.y(), c, y, x)) return {};
    const core::Tensor& b = *blob();
    const float* plane = b.data() + std::int64_t(c) * b.shape().plane();
    const float peak = *std::max_element(plane, plane + b.shape().plane());
    return tr("<b>channel %1</b>, row %2, column %3: %4<br>channel maximum %5")
        .arg(c)
        .arg(y)
        .arg(x)
        .arg(double(b.at(0, c, y, x)), 0, 'g', 4)
        .arg(double(peak), 0, 'g', 4);
}

// --- ColorLegend
// -----------------------------------------------------------------------------------

ColorLegend::ColorLegend(QWidget* parent) : QWidget(parent) {
    setMinimumHeight(34);
}

void ColorLegend::setRange(double lo, double hi, core::ColorMapKind kind, const QString& caption) {
    m_lo = lo;
    m_hi = hi;
    m_kind = kind;
    m_caption = caption;
    update();
}

void ColorLegend::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QFontMetrics fm = fontMetrics();
    const bool diverging = m_kind != core::ColorMapKind::Sequential;
    const double lo = diverging ? -std::max(std::abs(m_lo), std::abs(m_hi)) : m_lo;
    const double hi = diverging ? -lo : m_hi;
    const QString left = QString::number(lo, 'g', 3), right = QString::number(hi, 'g', 3);
    const int captionW = m_caption.isEmpty() ? 0 : fm.horizontalAdvance(m_caption) + 8;
    const QRect bar(captionW + fm.horizontalAdvance(left) + 6, 4,
                    std::max(20, width() - captionW - fm.horizontalAdvance(left) -
                                     fm.horizontalAdvance(right) - 14),
                    height() - 8);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, 0, captionW, height()), Qt::AlignVCenter, m_caption);
    p.drawText(QRect(captionW, 0, bar.left() - captionW - 4, height()),
               Qt::AlignVCenter | Qt::AlignRight, left);
    p.drawText(QRect(bar.right() + 5, 0, width() - bar.right(), height()), Qt::AlignVCenter, right);
    for (int x = 0; x < bar.width(); ++x) {
        const core::Rgb c = core::colorAt(m_kind, double(x) / std::max(1, bar.width() - 1));
        p.setPen(QColor(c.r, c.g, c.b));
        p.drawLine(bar.left() + x, bar.top(), bar.left() + x, bar.bottom());
    }
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar.adjusted(0, 0, -1, -1));
}

}  // namespace convscope::ui
